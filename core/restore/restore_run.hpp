// A whole restore: every device of a state file planned first, then written and verified.
#pragma once

#include <functional>
#include <vector>

#include "backends/device_source.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"

namespace capstate::core {

/// One device of a restore: the opened device, its plan and what applying it did.
struct DeviceRestore {
  Device device;       ///< opened from the source
  DevicePlan plan;     ///< planned writes
  ApplyResult result;  ///< filled by apply_restores
};

/// Plans the sections of `file` whose addresses are in `addresses` (all when empty) against
/// `source`, upstream first: a device behind a bridge of the same restore comes after it (else
/// the file's order), and is planned after it, with the port's record as its plugins'
/// RestoreContext::upstream. Every device is planned before anything is written; any refusal
/// throws. With
/// options.on_plugin_failure == device, a device whose plugin fails gets an excluded plan (no
/// writes, the reason in plan.left_out) and the others proceed.
std::vector<DeviceRestore> plan_restores(DeviceSource& source, const StateFile& file,
                                         const std::vector<PciAddress>& addresses,
                                         const Registry& registry, const RestoreOptions& options);

/// Same, with each device's options from `options_for` (called once per selected section, in file
/// order, before any device is planned).
std::vector<DeviceRestore> plan_restores_with(
    DeviceSource& source, const StateFile& file, const std::vector<PciAddress>& addresses,
    const Registry& registry,
    const std::function<RestoreOptions(const DeviceSection&)>& options_for);

/// The opened upstream port that `plan`'s upstream writes go to; nullptr when it makes none.
Device* upstream_device(std::vector<DeviceRestore>& restores, const DevicePlan& plan);

/// Applies every plan that is not excluded, in order (upstream first); stops at the first failed
/// write.
void apply_restores(std::vector<DeviceRestore>& restores, bool verify);

}  // namespace capstate::core
