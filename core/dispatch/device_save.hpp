// Saving one device: its identity, then a record for every target a loaded plugin takes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/device_source.hpp"
#include "dispatch/entry_records.hpp"
#include "registry/registry.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// What a plugin failure (a PluginFailure: plugin code threw or returned something malformed)
/// leaves out.
enum class PluginFailureMode {
  abort,       ///< nothing: the failure is thrown and the whole command fails
  device,      ///< the device whose plugin failed; other devices proceed
  capability,  ///< only the capability whose plugin failed; the rest of the device proceeds
};

/// Parses policy `plugin_failure` ("abort", "device", "capability"); nullopt for anything else.
std::optional<PluginFailureMode> parse_plugin_failure_mode(std::string_view text);

/// What save_device does with capabilities it cannot or should not save.
struct SaveOptions {
  bool fail_on_unhandled = false;       ///< throw when a capability has no plugin (else report it)
  std::vector<CapabilityId> skip = {};  ///< capability types never saved, not even reported
  PluginFailureMode on_plugin_failure = PluginFailureMode::abort;  ///< containment of failures
};

/// What save_device met on the way besides the records.
struct SaveReport {
  std::vector<std::string> unhandled = {};  ///< one line per capability without a plugin
  std::vector<std::string> warnings = {};   ///< discovery warnings (broken capability lists)
  /// One line per device or capability left out because its plugin failed (naming the plugin,
  /// the device, what was left out and why).
  std::vector<std::string> left_out = {};
};

/// Reads the IDs of a device: dword 0x00, dword 0x08, byte 0x0e, and dword 0x2c for type 0.
DeviceIdentity read_identity(ConfigSpace& config);

/// Saves every capability of `device` that a plugin in `registry` handles, in discovery order.
/// Unhandled capabilities go to report.unhandled, or throw EngineError when
/// options.fail_on_unhandled; discovery warnings go to report.warnings. With
/// options.on_plugin_failure == capability, a capability whose plugin fails is left out and
/// named in report.left_out; otherwise the failure is thrown.
DeviceSection save_device(Device& device, const Registry& registry, const SaveOptions& options,
                          SaveReport& report);

}  // namespace capstate::core
