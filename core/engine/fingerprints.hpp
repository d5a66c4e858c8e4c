// Layout fingerprints as records carry them: computed, kept from plugin load time, and compared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "capstate/sdk/layout.hpp"

namespace capstate::core {

/// One layout a loaded plugin declared, with its fingerprint computed once, at load time.
struct LayoutPrint {
  const Layout* layout = nullptr;  ///< the plugin's own Layout object (lives as long as the plugin)
  Layout declared;                 ///< that Layout's value at load time (its views, not their data)
  std::uint64_t fingerprint = 0;   ///< layout_fingerprint(plugin name, declared)
};

/// The fingerprints of one loaded plugin's layouts, under the name it had when loaded (what a
/// registry entry holds; see prints_of in registry/registry.hpp).
struct PluginPrints {
  std::string_view plugin;               ///< the plugin's name at load time
  std::span<const LayoutPrint> layouts;  ///< one per declared schema
};

/// The fingerprint `prints` hold for `layout` of plugin `plugin`, when that is the very Layout
/// object (same address and same views) the plugin declared at load time under the same name;
/// nullopt otherwise (the caller computes it). Never stale: a plugin that hands out other Layout
/// objects later, or edits a declared one to view other fields, arrays or extra text, misses the
/// cache.
std::optional<std::uint64_t> cached_fingerprint(const PluginPrints& prints, std::string_view plugin,
                                                const Layout& layout);

/// The fingerprint of `layout` of plugin `plugin`: the one `prints` computed at load time when
/// they hold this very layout (see cached_fingerprint), else layout_fingerprint(); `prints` may
/// be null.
std::uint64_t record_fingerprint(const PluginPrints* prints, std::string_view plugin,
                                 const Layout& layout);

/// Whether a record carrying fingerprint `carried` was written with `layout`, whose fingerprint is
/// `expected`: equal, or equal to the layout's declared earlier_fingerprint.
bool fingerprint_matches(std::uint64_t carried, std::uint64_t expected, const Layout& layout);

}  // namespace capstate::core
