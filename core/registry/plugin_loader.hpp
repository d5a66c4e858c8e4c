// Loading one plugin library with Boost.DLL and reading what it declares.
#pragma once

#include <filesystem>
#include <string_view>

#include "registry/registry.hpp"

namespace capstate::core {

/// Loads `file` and returns its entry: `loaded` with metadata and the plugin (which keeps the
/// library loaded), or `refused` with the reason. Checks trust (unless `allow_untrusted`),
/// the exported symbols, the ABI stamp and the metadata. Never throws for a bad plugin.
PluginEntry load_plugin_file(const std::filesystem::path& file, bool allow_untrusted);

/// Copies the metadata of `plugin` into `entry` and checks it; on a problem (including
/// info()/layouts() throwing) sets `entry` refused with the reason. `label` names the plugin in
/// messages (its file). Returns whether the metadata is usable.
bool describe_plugin(PluginEntry& entry, const Plugin& plugin, std::string_view label);

}  // namespace capstate::core
