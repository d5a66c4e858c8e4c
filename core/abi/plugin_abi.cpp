// Building PluginAbi descriptions from plugins and formatting the baseline files.
#include "abi/plugin_abi.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/layout_text.hpp"

namespace capstate::core {

PluginAbi abi_from_plugin(const Plugin& plugin) {
  const PluginInfo info = plugin.info();
  PluginAbi abi{std::string(info.name), info.oldest_schema, info.current_schema, {}};
  for (const Layout& layout : plugin.layouts()) {
    if (layout.schema_version >= info.oldest_schema &&
        layout.schema_version <= info.current_schema) {
      abi.schema_texts[layout.schema_version] = canonical_layout_text(info.name, layout);
    }
  }
  return abi;
}

std::vector<PluginAbi> abi_from_registry(const Registry& registry) {
  std::vector<PluginAbi> out;
  for (const PluginEntry& entry : registry.entries()) {
    if (entry.status == PluginStatus::loaded && entry.plugin != nullptr) {
      out.push_back(abi_from_plugin(*entry.plugin));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const PluginAbi& a, const PluginAbi& b) { return a.name < b.name; });
  return out;
}

std::uint64_t text_fingerprint(std::string_view text) {
  return crc64_xz(text);
}

std::string schema_file_text(std::string_view canonical_text) {
  return fmt::format("{}fingerprint 0x{:016x}\n", canonical_text, text_fingerprint(canonical_text));
}

std::string plugin_file_text(const PluginAbi& abi) {
  return fmt::format("{}\nname {}\noldest_schema {}\ncurrent_schema {}\n", kAbiPluginTag, abi.name,
                     abi.oldest, abi.current);
}

}  // namespace capstate::core
