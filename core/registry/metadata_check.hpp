// The checks a plugin's declared metadata and layouts must pass before the registry uses it.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "capstate/sdk/plugin.hpp"

namespace capstate::core {

/// Largest number of fields one layout may declare (the presence bitmap is 32 bits).
inline constexpr std::size_t kMaxLayoutFields = 32;

/// Whether `name` is a valid plugin name: non-empty, only [a-z0-9_-].
bool valid_plugin_name(std::string_view name);

/// Why the metadata is unusable ("metadata malformed: ..."), or "" when it is well formed.
/// Checks name, version, claimed capabilities, schema range, one layout per schema version in
/// order, and every field (width, alignment, range, masks, count, unique names, presence refs,
/// no writable bit shared with another field of the same layout).
std::string metadata_problem(const PluginInfo& info, std::span<const Layout> layouts);

}  // namespace capstate::core
