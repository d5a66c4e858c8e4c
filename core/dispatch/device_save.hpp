// Saving one device: its identity, then a record for every target a loaded plugin takes.
#pragma once

#include <cstdint>
#include <functional>
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
  /// Read every configuration dword of the device once, through a CachedConfigSpace (the
  /// default); false reads each register as it is asked for, which is what a save did before the
  /// cache (benchmark 1 counts both).
  bool cache_reads = true;
};

/// Save options chosen per device from its identity (e.g. from the policy); nullopt leaves the
/// device out of the save without a word.
using SaveOptionsFor =
    std::function<std::optional<SaveOptions>(const PciAddress&, const DeviceIdentity&)>;

/// An array in BAR memory that was not saved because the kernel refused to map its BAR.
struct UnmappedBar {
  PciAddress device;     ///< the device
  std::string plugin;    ///< the plugin whose array lies in that BAR
  std::uint8_t bar = 0;  ///< the BAR (0-5)
  int error = 0;  ///< errno of the refused open or mmap (EINVAL: strict devmem, EPERM: lockdown)
};

/// What save_device met on the way besides the records.
struct SaveReport {
  std::vector<std::string> unhandled = {};  ///< one line per capability without a plugin
  /// Discovery warnings (broken capability lists), arrays not saved, regions not saved. The BAR
  /// memory the kernel refused to map has one line per cause here for all devices saved into
  /// this report (what the kernel refused, what to do, and the devices), kept up to date as
  /// devices are added, so a run that saves every device into one report warns once.
  std::vector<std::string> warnings = {};
  /// One line per device or capability left out because its plugin failed (naming the plugin,
  /// the device, what was left out and why).
  std::vector<std::string> left_out = {};
  /// Every array left unsaved because the kernel refused to map its BAR (its record says "not
  /// saved"; summarised in `warnings`).
  std::vector<UnmappedBar> unmapped_bars = {};
};

/// Reads the IDs of a device: dword 0x00, dword 0x08, byte 0x0e, and dword 0x2c for type 0.
DeviceIdentity read_identity(ConfigSpace& config);

/// Saves every capability of `device` that a plugin in `registry` handles, in discovery order.
/// Unhandled capabilities go to report.unhandled, or throw EngineError when
/// options.fail_on_unhandled; discovery warnings go to report.warnings. With
/// options.on_plugin_failure == capability, a capability whose plugin fails is left out and
/// named in report.left_out; otherwise the failure is thrown.
///
/// Every configuration read of the save (identity, discovery, claims, the plugins' fields and
/// code) goes through one CachedConfigSpace: each aligned dword is read from the device at most
/// once (unless options.cache_reads is false). An AccessError (the device cannot be read, also
/// while plugin code reads it) is thrown as it is, whatever options.on_plugin_failure says: it is
/// no plugin failure.
DeviceSection save_device(Device& device, const Registry& registry, const SaveOptions& options,
                          SaveReport& report);

/// save_device() with options chosen from the device's identity, which is read through the
/// cache (so choosing costs no read of its own, whatever the chosen options.cache_reads);
/// nullopt when `options_for` leaves the device out.
std::optional<DeviceSection> save_device_with(Device& device, const Registry& registry,
                                              const SaveOptionsFor& options_for,
                                              SaveReport& report);

}  // namespace capstate::core
