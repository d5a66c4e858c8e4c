// Records through a loaded registry entry: its plugin, with the fingerprints computed at load.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/record_codec.hpp"
#include "registry/registry.hpp"

namespace capstate::core {

/// The plugin of a loaded entry; EngineError naming the entry's file and why it is not loaded
/// when it holds none.
const Plugin& loaded_plugin(const PluginEntry& entry);

/// save_record() with the plugin of a loaded registry entry, whose fingerprints were computed
/// once at load time (what save_device uses); EngineError when the entry holds no plugin. Arrays
/// in BAR memory that cannot be read are saved as not saved, with a line in `warnings`.
Record save_record(const PluginEntry& entry, const Capability& cap, ConfigSpace& config,
                   BarSpace* bars, std::vector<std::string>* warnings = nullptr);

/// decode_record() with the plugin of a loaded registry entry and its load-time fingerprints;
/// EngineError when the entry holds no plugin.
DecodedRecord decode_record(const PluginEntry& entry, const Record& record);

/// The fingerprint of `layout` of plugin `plugin`: the one `entry` computed at load time when it
/// holds this very layout (see cached_fingerprint), else layout_fingerprint(); `entry` may be null.
std::uint64_t record_fingerprint(const PluginEntry* entry, std::string_view plugin,
                                 const Layout& layout);

}  // namespace capstate::core
