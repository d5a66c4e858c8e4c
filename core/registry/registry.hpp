// The plugin registry: finds plugin libraries, checks them, and says who handles a capability.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "engine/fingerprints.hpp"
#include "engine/plugin_call.hpp"

namespace capstate::core {

/// What happened to one plugin file found on the search path.
enum class PluginStatus {
  loaded,    ///< usable
  refused,   ///< not usable; `reason` says why
  shadowed,  ///< a plugin of the same name was found earlier on the search path
  disabled,  ///< loadable, but policy disables it
};

/// Name of a status as printed ("loaded", "refused", ...).
std::string_view to_string(PluginStatus s);

/// One plugin file and what the registry made of it.
struct PluginEntry {
  std::filesystem::path file;                   ///< the shared library
  PluginStatus status = PluginStatus::refused;  ///< outcome
  std::string reason;                    ///< why refused/shadowed/disabled; empty when loaded
  std::string name;                      ///< from the metadata (empty if never read)
  std::string version;                   ///< from the metadata
  std::string summary;                   ///< from the metadata
  std::vector<Claim> claims;             ///< from the metadata (views into the loaded plugin)
  std::uint16_t current_schema = 0;      ///< from the metadata
  std::uint16_t oldest_schema = 0;       ///< from the metadata
  std::uint16_t restore_phase = 0;       ///< from the metadata
  bool needs_bar_access = false;         ///< from the metadata
  std::vector<OptionSpec> options;       ///< from the metadata (views into the loaded plugin)
  std::vector<LayoutPrint> layouts;      ///< one per declared schema, oldest first; set when loaded
  std::shared_ptr<const Plugin> plugin;  ///< set when loaded; keeps its library loaded
};

/// The fingerprints `entry` computed at load time, for the engine's record functions.
inline PluginPrints prints_of(const PluginEntry& entry) {
  return PluginPrints{entry.name, entry.layouts};
}

/// guarded_call() (engine/plugin_call.hpp) naming the plugin of `entry`.
template <typename F>
decltype(auto) guarded_call(const PluginEntry& entry, std::string_view device,
                            std::string_view what, F&& fn) {
  return guarded_call(std::string_view(entry.name), device, what, std::forward<F>(fn));
}

/// How the registry searches and what it trusts.
struct RegistryOptions {
  std::vector<std::filesystem::path> search_path;  ///< directories in priority order
  std::vector<std::string> disabled;               ///< plugin names not to use
  /// Contested target type -> plugin name that gets it. Keys as made by capability_key():
  /// "standard:0x10" (two hex digits), "extended:0x0018" (four hex digits), "header", "region".
  std::map<std::string, std::string> winners;
  bool allow_untrusted = false;  ///< accept group/other-writable or foreign-owned files
};

/// Thrown by the registry for bad options (e.g. a malformed winners key), never for a bad plugin.
class RegistryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The key naming a target type in RegistryOptions::winners ("standard:0x10",
/// "extended:0x0018", "header", "region").
std::string capability_key(CapabilityId cap);

/// Parses a key made by capability_key() (case and digit count are forgiven); nullopt if malformed.
std::optional<CapabilityId> parse_capability_key(std::string_view key);

/// Search path in priority order: --plugin-dir values, `env_path` (the value of
/// CAPSTATE_PLUGIN_PATH as the caller read it, a colon list; nullopt when unset), policy
/// plugin_dirs, then the build-tree or install directory found from the executable. Reads no
/// environment variable.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& cli_dirs, const std::optional<std::string>& env_path,
    const std::vector<std::filesystem::path>& policy_dirs);

/// cached_fingerprint(prints_of(entry), plugin, layout) (engine/fingerprints.hpp): the fingerprint
/// `entry` holds for that very Layout object of plugin `plugin`, or nullopt. Never stale: the
/// plugin (so its layouts) lives as long as the entry.
std::optional<std::uint64_t> cached_fingerprint(const PluginEntry& entry, std::string_view plugin,
                                                const Layout& layout);

/// Loaded plugins and the refusals met on the way.
class Registry {
 public:
  /// Loads every plugin on the search path; never throws for a bad plugin (it is refused).
  static Registry load(const RegistryOptions& options);
  /// Builds a registry from plugin objects already in memory (tests, embedded use), with the same
  /// metadata checks and claim rules as load(); `options.search_path` is ignored.
  static Registry from_plugins(std::vector<std::shared_ptr<const Plugin>> plugins,
                               const RegistryOptions& options = {});

  /// Every plugin file seen, in search order.
  const std::vector<PluginEntry>& entries() const { return entries_; }
  /// The loaded plugin whose least specific claim covers target type `cap` (the generic
  /// fallback, or the first narrow claim when none is generic), or null. Saving and restoring
  /// choose per device with assign_targets() (dispatch/targets.hpp) instead.
  const PluginEntry* handler(CapabilityId cap) const;
  /// The loaded plugin called `name`, or null.
  const PluginEntry* find(std::string_view name) const;

 private:
  std::vector<PluginEntry> entries_;
};

}  // namespace capstate::core
