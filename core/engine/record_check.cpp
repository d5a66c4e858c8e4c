#include "engine/record_check.hpp"

#include <fmt/format.h>

#include "engine/plugin_call.hpp"
#include "util/target_text.hpp"

namespace capstate::core {

const Layout* find_layout(const Plugin& plugin, std::uint16_t schema) {
  for (const Layout& layout : plugin.layouts()) {
    if (layout.schema_version == schema) {
      return &layout;
    }
  }
  return nullptr;
}

RecordCheck check_record_layout(const Plugin& plugin, const PluginInfo& info,
                                const Capability& target, std::uint16_t schema,
                                std::optional<std::uint64_t> carried, std::string_view producer,
                                const PluginPrints* prints) {
  const std::string written_by =
      producer.empty() ? std::string() : fmt::format("written by {}", producer);
  if (schema < info.oldest_schema || schema > info.current_schema) {
    return {
        nullptr,
        fmt::format("plugin '{}' {} reads schema versions {} to {}, but the record for {}{} "
                    "has schema {}; {}",
                    info.name, info.version, info.oldest_schema, info.current_schema,
                    target_text(target), written_by.empty() ? "" : " (" + written_by + ")", schema,
                    schema > info.current_schema
                        ? "install a newer plugin, or write the file for this release with "
                          "'capstate migrate'"
                        : "the record is older than this plugin still reads; migrate it with "
                          "an older release")};
  }
  const Layout* layout = guarded_call(info.name, "a state file record", "listing its layouts",
                                      [&] { return find_layout(plugin, schema); });
  if (layout == nullptr) {
    return {nullptr,
            fmt::format("plugin '{}' {} declares schemas {} to {} but has no layout for "
                        "schema {}; the plugin is broken, report it to its authors",
                        info.name, info.version, info.oldest_schema, info.current_schema, schema)};
  }
  if (carried) {
    const std::uint64_t expected = record_fingerprint(prints, info.name, *layout);
    if (!fingerprint_matches(*carried, expected, *layout)) {
      return {nullptr,
              fmt::format("plugin '{}' schema {}: the record's layout fingerprint 0x{:016x} "
                          "differs from 0x{:016x}, which plugin '{}' {} has for that schema: the "
                          "layout changed without a version bump (record for {}{}). Refusing "
                          "rather than misreading the registers; use the plugin build that wrote "
                          "the record, or save the device again with this one",
                          info.name, schema, *carried, expected, info.name, info.version,
                          target_text(target), written_by.empty() ? "" : ", " + written_by)};
    }
  }
  return {layout, {}};
}

}  // namespace capstate::core
