#include "restore/restore_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "engine/plugin_call.hpp"

namespace capstate::core {
namespace {

// The bus range a PCI-to-PCI bridge forwards to: Secondary (0x19) to Subordinate (0x1a) Bus
// Number of a type 1 header (0x0e bits 6:0); nullopt for other functions, and for a bridge whose
// numbers are unset (0, as after a reset).
std::optional<std::pair<unsigned, unsigned>> bus_range(Device& device) {
  constexpr std::uint16_t kHeaderType = 0x0e;
  constexpr std::uint16_t kSecondaryBus = 0x19;
  constexpr std::uint16_t kSubordinateBus = 0x1a;
  if ((device.config->read(kHeaderType, Width::byte) & 0x7f) != 1) {
    return std::nullopt;
  }
  const unsigned secondary = device.config->read(kSecondaryBus, Width::byte);
  const unsigned subordinate = device.config->read(kSubordinateBus, Width::byte);
  if (secondary == 0 || subordinate < secondary) {
    return std::nullopt;
  }
  return std::make_pair(secondary, subordinate);
}

// Orders the restores upstream first: a device behind bridges of the same restore comes after
// them (depth = how many of those bridges forward to its bus), so an upstream port holds its
// state before the devices below it are written (PTM enables, L1 PM Substates). Equal depths
// keep the state file's order.
void order_upstream_first(std::vector<DeviceRestore>& restores) {
  std::vector<std::pair<PciAddress, std::pair<unsigned, unsigned>>> bridges;
  for (DeviceRestore& r : restores) {
    if (const auto range = bus_range(r.device)) {
      bridges.emplace_back(r.plan.address, *range);
    }
  }
  if (bridges.empty()) {
    return;
  }
  const auto depth = [&](const PciAddress& a) {
    return std::count_if(bridges.begin(), bridges.end(), [&](const auto& b) {
      return b.first.domain == a.domain && a.bus >= b.second.first && a.bus <= b.second.second;
    });
  };
  std::stable_sort(restores.begin(), restores.end(),
                   [&](const DeviceRestore& x, const DeviceRestore& y) {
                     return depth(x.plan.address) < depth(y.plan.address);
                   });
}

}  // namespace

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
  order_upstream_first(restores);
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
