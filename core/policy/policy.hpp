// Policy: what operators set in capstate.toml files, merged by layer, each value with its source.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/pci_address.hpp"

namespace capstate::core {

/// Thrown for an unreadable, malformed or invalid policy file; the text names file:line:column.
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Source text of a built-in default value.
inline constexpr const char* kBuiltInSource = "built-in default";

/// A policy value and where it came from ("built-in default", "FILE:LINE" or "--flag").
template <class T>
struct Setting {
  T value{};           ///< the value in force
  std::string source;  ///< where it was set
};

/// Per-device keys a [[device]] table may set; unset keys leave earlier values alone.
struct DeviceRule {
  std::string match;   ///< address glob ("0000:02:*") or "vendor:device" hex ("8086:10d3")
  std::string source;  ///< "FILE:LINE" of the [[device]] table
  std::optional<Setting<std::string>> unhandled_capability;            ///< "skip" | "fail"
  std::optional<Setting<std::string>> newer_record;                    ///< "fail" | "skip"
  std::optional<Setting<std::string>> lossy_downgrade;                 ///< "deny" | "allow"
  std::optional<Setting<std::string>> identity;                        ///< "exact" | "ids" | "none"
  std::optional<Setting<bool>> identity_subsystem;                     ///< also match subsystem IDs
  std::optional<Setting<bool>> verify;                                 ///< read back after restore
  std::optional<Setting<std::vector<std::string>>> skip_capabilities;  ///< capability keys
  std::optional<Setting<std::string>> plugin_failure;  ///< "abort" | "device" | "capability"
  std::optional<Setting<std::string>> bar_mismatch;    ///< "refuse" | "kernel"
  std::optional<Setting<std::string>> bound_driver;    ///< "refuse" | "allow"
  /// [plugin_options.<plugin>] values: "plugin.option" -> value (as text).
  std::map<std::string, Setting<std::string>> plugin_options;
};

/// The settings that apply to one device (top level merged with matching [[device]] rules).
struct DevicePolicy {
  Setting<std::string> unhandled_capability;            ///< "skip" | "fail"
  Setting<std::string> newer_record;                    ///< "fail" | "skip"
  Setting<std::string> lossy_downgrade;                 ///< "deny" | "allow"
  Setting<std::string> identity;                        ///< "exact" | "ids" | "none"
  Setting<bool> identity_subsystem;                     ///< also match subsystem IDs
  Setting<bool> verify;                                 ///< read back after restore
  Setting<std::vector<std::string>> skip_capabilities;  ///< capability keys never saved
  Setting<std::string> plugin_failure;  ///< what a plugin failure leaves out: "abort" (the whole
                                        ///< command), "device" or "capability"
  /// A saved BAR or window the kernel has since moved: "refuse" the device's restore, or write
  /// the "kernel"'s current assignment instead.
  Setting<std::string> bar_mismatch;
  /// A function with a bound driver: "refuse" to write its header, or "allow" it.
  Setting<std::string> bound_driver;
  /// Options of plugins' restores ([plugin_options.<plugin>]): "plugin.option" -> value as text
  /// (strings as written, booleans "true"/"false", integers in decimal). The plugin checks them.
  std::map<std::string, Setting<std::string>> plugin_options;
};

/// The whole merged policy.
struct Policy {
  Setting<std::vector<std::string>> plugin_dirs;              ///< extra plugin directories
  Setting<std::vector<std::string>> disabled_plugins;         ///< plugin names not to use
  std::map<std::string, Setting<std::string>> plugin_winner;  ///< capability key -> plugin
  Setting<bool> allow_untrusted_plugin_dirs;  ///< accept group/other-writable plugin files
  DevicePolicy defaults;                      ///< top-level per-device keys
  Setting<bool> undo;                         ///< save an undo file before each restore
  Setting<std::string> undo_dir;              ///< where undo files go
  Setting<std::string> lock_dir;              ///< where per-device restore locks live
  Setting<std::vector<std::string>> live_update_devices;  ///< selectors saved for a live update
  Setting<std::string> live_update_state;                 ///< the live-update state file
  Setting<std::string> live_update_restore;  ///< boot stage that restores: early | late | off
  /// What live-update kexec and save do when the pre-flight finds records the restore would
  /// refuse: fail (start no kexec / write nothing, exit non-zero) | warn (go on, log each refusal).
  Setting<std::string> live_update_preflight;
  /// Root file system of the release that restores after the kexec ("" = this installation):
  /// the pre-flight runs that root's capstate and plugins (A/B and image-based updates).
  Setting<std::string> live_update_root;
  Setting<std::string> log_level;   ///< trace|debug|info|warn|error|off
  std::vector<DeviceRule> devices;  ///< [[device]] tables in layer order
};

/// The built-in defaults, every source "built-in default".
Policy default_policy();

/// Parses one policy file and merges it over `policy` (later wins); throws PolicyError. The file
/// is read only when it is trusted (check_path_trust, util/file_trust.hpp): it and every directory
/// above it must be owned by root or the effective user and not be writable by group or others
/// (a root-owned sticky directory such as /tmp may be); otherwise PolicyError names the file, the
/// owner and mode found and the command that fixes it. A policy file others can change could
/// make capstate load plugins from anywhere.
void merge_policy_file(Policy& policy, const std::filesystem::path& file);

/// Parses policy text (named `source` in messages) and merges it over `policy`.
void merge_policy_text(Policy& policy, const std::string& text, const std::string& source);

/// System files under `root` in layer order: usr/lib/capstate/capstate.toml,
/// etc/capstate/capstate.toml, etc/capstate/conf.d/*.toml (name order); only those that exist.
std::vector<std::filesystem::path> system_policy_files(const std::filesystem::path& root);

/// The config root: `cli_root` (--config-root) when not empty, else `env_root` when set and not
/// empty, else "/". `env_root` is the value of CAPSTATE_CONFIG_ROOT as the caller read it: the
/// library reads no environment variable.
std::filesystem::path policy_root(const std::string& cli_root,
                                  const std::optional<std::string>& env_root);

/// Defaults, then the system files under `root`, then each of `config_files` (which must exist);
/// every file is checked for trust as merge_policy_file says.
Policy load_policy(const std::filesystem::path& root,
                   const std::vector<std::filesystem::path>& config_files);

/// True when `match` (address glob or "vendor:device") selects the device.
bool device_matches(const std::string& match, const PciAddress& address, std::uint16_t vendor,
                    std::uint16_t device);

/// Overrides the settings of `target` with every setting `rule` gives.
void apply_rule(DevicePolicy& target, const DeviceRule& rule);

/// The per-device settings for one device; later matching [[device]] rules override.
DevicePolicy effective(const Policy& policy, const PciAddress& address, std::uint16_t vendor,
                       std::uint16_t device);

/// `config show` text: one "key = value  # from SOURCE" line per key, then the [[device]] rules.
std::string policy_to_text(const Policy& policy);

/// `config show --json`: {key: {value, source}, ..., "device": [...]}.
std::string policy_to_json(const Policy& policy);

}  // namespace capstate::core
