#include "restore/restore_run.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace capstate::core {

std::vector<DeviceRestore> plan_restores(DeviceSource& source, const StateFile& file,
                                         const std::vector<PciAddress>& addresses,
                                         const Registry& registry, const RestoreOptions& options) {
  const std::vector<PciAddress> present = source.addresses();
  std::vector<DeviceRestore> restores;
  for (const DeviceSection& section : file.devices) {
    if (!addresses.empty() &&
        std::find(addresses.begin(), addresses.end(), section.address) == addresses.end()) {
      continue;
    }
    if (std::find(present.begin(), present.end(), section.address) == present.end()) {
      throw RestoreRefused(fmt::format(
          "{}: saved in the file but not present in {}; nothing was written. Restore the other "
          "devices with -s",
          section.address.str(), source.describe()));
    }
    Device device = source.open(section.address);
    DevicePlan plan = plan_restore(device, section, registry, options);
    restores.push_back({std::move(device), std::move(plan), {}});
  }
  if (restores.empty()) {
    throw RestoreRefused("no device of the state file matches the selection; nothing was written");
  }
  return restores;
}

void apply_restores(std::vector<DeviceRestore>& restores, bool verify) {
  for (DeviceRestore& r : restores) {
    r.result = apply_plan(r.device, r.plan, verify);
  }
}

}  // namespace capstate::core
