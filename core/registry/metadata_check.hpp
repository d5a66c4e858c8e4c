// The checks a plugin's declared metadata and layouts must pass before the registry uses it.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "capstate/sdk/plugin.hpp"

namespace capstate::core {

/// Largest number of fields one layout may declare (the presence bitmap is 32 bits).
inline constexpr std::size_t kMaxLayoutFields = 32;

/// Whether no device can satisfy both presences: some pair of their conditions tests the same
/// bits of the same value and accepts no common value (or one of them is Test::never).
bool presences_exclusive(const Presence& a, const Presence& b);

/// Whether `name` is a valid plugin name: non-empty, only [a-z0-9_-].
bool valid_plugin_name(std::string_view name);

/// Why the metadata is unusable ("metadata malformed: ..."), or "" when it is well formed. The
/// one validator of plugin metadata and layouts: the registry runs it when a plugin loads, and
/// plugin tests call it. Checks name, version, claimed capabilities, schema range, one layout
/// per schema version in order, every field (name, width, alignment, range, masks, count, unique
/// names, presence conditions and their registers, must_match bits read-only), no writable bit
/// shared with another field of the same layout unless their presences are exclusive (variants:
/// some pair of their conditions tests the same bits and accepts no common value), and every
/// array (names, count source and max, placement, stride, element fields).
std::string metadata_problem(const PluginInfo& info, std::span<const Layout> layouts);

/// Whether `value` is one of the "|"-separated values `option` declares.
bool option_allows(const OptionSpec& option, std::string_view value);

}  // namespace capstate::core
