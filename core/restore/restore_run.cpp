#include "restore/restore_run.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/plugin_call.hpp"

namespace capstate::core {

std::vector<DeviceRestore> plan_restores(DeviceSource& source, const StateFile& file,
                                         const std::vector<PciAddress>& addresses,
                                         const Registry& registry, const RestoreOptions& options) {
  return plan_restores_with(source, file, addresses, registry,
                            [&options](const DeviceSection&) { return options; });
}

std::vector<DeviceRestore> plan_restores_with(
    DeviceSource& source, const StateFile& file, const std::vector<PciAddress>& addresses,
    const Registry& registry,
    const std::function<RestoreOptions(const DeviceSection&)>& options_for) {
  // Sorted once, so each section is looked up in log time: whole-file restores of many devices
  // stay linear.
  std::vector<PciAddress> present = source.addresses();
  std::sort(present.begin(), present.end());
  std::vector<PciAddress> wanted = addresses;
  std::sort(wanted.begin(), wanted.end());
  std::vector<DeviceRestore> restores;
  for (const DeviceSection& section : file.devices) {
    if (!wanted.empty() && !std::binary_search(wanted.begin(), wanted.end(), section.address)) {
      continue;
    }
    const RestoreOptions options = options_for(section);
    if (!std::binary_search(present.begin(), present.end(), section.address)) {
      throw RestoreRefused(fmt::format(
          "{}: saved in the file but not present in {}; nothing was written. Restore the other "
          "devices with -s",
          section.address.str(), source.describe()));
    }
    Device device = source.open(section.address);
    DevicePlan plan;
    if (options.on_plugin_failure == PluginFailureMode::device) {
      // All or nothing for this device: its plan is dropped whole when a plugin fails.
      try {
        plan = plan_restore(device, section, registry, options);
      } catch (const PluginFailure& e) {
        plan = DevicePlan{section.address, {}, {}, {}, {}, true};
        plan.left_out.push_back(fmt::format(
            "{}: device left out of the restore, nothing is written to it (plugin '{}' failed; "
            "policy plugin_failure = \"device\"): {}",
            section.address.str(), e.plugin(), e.what()));
        plan.notes.push_back(plan.left_out.back());
      }
    } else {
      plan = plan_restore(device, section, registry, options);
    }
    restores.push_back({std::move(device), std::move(plan), {}});
  }
  if (restores.empty()) {
    throw RestoreRefused("no device of the state file matches the selection; nothing was written");
  }
  return restores;
}

void apply_restores(std::vector<DeviceRestore>& restores, bool verify) {
  for (DeviceRestore& r : restores) {
    if (!r.plan.excluded) {
      r.result = apply_plan(r.device, r.plan, verify);
    }
  }
}

}  // namespace capstate::core
