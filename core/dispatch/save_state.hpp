// Saving every selected device of a source into one StateFile.
#pragma once

#include <vector>

#include "backends/device_source.hpp"
#include "dispatch/device_save.hpp"
#include "registry/registry.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// An envelope for a file written now by this build: producer, version, time, uname release.
Envelope make_envelope();

/// Saves the devices at `addresses` of `source` in that order; throws on the first device
/// that cannot be saved, naming it (an AccessError when it cannot be read: while the core reads
/// it or while a plugin's code does). When a plugin fails and options.on_plugin_failure is
/// `device`, that device gets no section and a line in report.left_out; with `capability` only
/// the capability is left out (see save_device); with `abort` the failure is thrown.
StateFile save_state(DeviceSource& source, const std::vector<PciAddress>& addresses,
                     const Registry& registry, const SaveOptions& options, SaveReport& report);

/// save_state() with options chosen per device from its identity, which save_device reads
/// through its cache, so choosing costs no read of its own (a caller that opened the device
/// first to read its identity reads those dwords twice); a device for which `options_for`
/// returns nullopt is left out without a word.
StateFile save_state_with(DeviceSource& source, const std::vector<PciAddress>& addresses,
                          const Registry& registry, const SaveOptionsFor& options_for,
                          SaveReport& report);

}  // namespace capstate::core
