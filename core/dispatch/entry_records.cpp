#include "dispatch/entry_records.hpp"

#include "engine/layout_text.hpp"

namespace capstate::core {

const Plugin& loaded_plugin(const PluginEntry& entry) {
  if (!entry.plugin) {
    throw EngineError("plugin '" + entry.name + "' (" + entry.file.string() + ") is not loaded: " +
                      entry.reason + "; use a plugin the registry lists as loaded");
  }
  return *entry.plugin;
}

Record save_record(const PluginEntry& entry, const Capability& cap, ConfigSpace& config,
                   BarSpace* bars, std::vector<std::string>* warnings) {
  const PluginPrints prints = prints_of(entry);
  return save_record(loaded_plugin(entry), cap, config, bars, warnings, &prints);
}

DecodedRecord decode_record(const PluginEntry& entry, const Record& record) {
  const PluginPrints prints = prints_of(entry);
  return decode_record(loaded_plugin(entry), record, &prints);
}

std::uint64_t record_fingerprint(const PluginEntry* entry, std::string_view plugin,
                                 const Layout& layout) {
  if (entry == nullptr) {
    return layout_fingerprint(plugin, layout);
  }
  const PluginPrints prints = prints_of(*entry);
  return record_fingerprint(&prints, plugin, layout);
}

}  // namespace capstate::core
