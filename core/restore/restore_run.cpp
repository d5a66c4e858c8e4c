#include "restore/restore_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include "discovery/discovery.hpp"
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

// One selected section before planning: its device, opened, and the options in force for it.
struct Pending {
  const DeviceSection* section = nullptr;
  RestoreOptions options;
  Device device;
  std::optional<std::pair<unsigned, unsigned>> range;  // its bus range when it is a bridge
};

// Orders the restores upstream first: a device behind bridges of the same restore comes after
// them (depth = how many of those bridges forward to its bus), so an upstream port holds its
// state before the devices below it are written (PTM enables, L1 PM Substates), and is planned
// before them, so their plans can build on what its plan leaves. Equal depths keep the state
// file's order.
void order_upstream_first(std::vector<Pending>& pending) {
  const auto depth = [&](const PciAddress& a) {
    return std::count_if(pending.begin(), pending.end(), [&](const Pending& b) {
      return b.range && b.section->address.domain == a.domain && a.bus >= b.range->first &&
             a.bus <= b.range->second;
    });
  };
  std::stable_sort(pending.begin(), pending.end(), [&](const Pending& x, const Pending& y) {
    return depth(x.section->address) < depth(y.section->address);
  });
}

// Whether `port` is the bridge right above `device`: its secondary bus is the device's bus.
bool directly_below(const std::optional<std::pair<unsigned, unsigned>>& port_range,
                    const PciAddress& port, const PciAddress& device) {
  return port_range && port.domain == device.domain && port_range->first == device.bus &&
         !(port == device);
}

// The link context of pending[i]: its upstream port among the restores planned so far (not left
// out), and the plugins whose records the pending devices right below it carry.
LinkContext link_of(std::vector<Pending>& pending, std::size_t i,
                    std::vector<DeviceRestore>& planned) {
  LinkContext link;
  const PciAddress& self = pending[i].section->address;
  for (std::size_t j = 0; j < i; ++j) {
    if (directly_below(pending[j].range, pending[j].section->address, self) &&
        !planned[j].plan.excluded) {
      link.upstream = &planned[j].device;
      link.upstream_saved = pending[j].section;
      link.upstream_plan = &planned[j].plan;
    }
  }
  if (link.upstream != nullptr) {
    // Discovered once here, not once per record of this device. A failed discovery is left to
    // upstream_record, which then tries again and finds no record on the port, as before.
    try {
      link.upstream_capabilities = discover(*link.upstream->config).capabilities;
    } catch (const std::exception&) {
    }
  }
  for (const Pending& p : pending) {
    if (directly_below(pending[i].range, self, p.section->address)) {
      for (const Record& r : p.section->records) {
        link.plugins_below.push_back(r.plugin);
      }
    }
  }
  return link;
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
  std::vector<Pending> pending;
  for (const DeviceSection& section : file.devices) {
    if (!wanted.empty() && !std::binary_search(wanted.begin(), wanted.end(), section.address)) {
      continue;
    }
    RestoreOptions options = options_for(section);
    if (!std::binary_search(present.begin(), present.end(), section.address)) {
      throw RestoreRefused(fmt::format(
          "{}: saved in the file but not present in {}; nothing was written. Restore the other "
          "devices with -s",
          section.address.str(), source.describe()));
    }
    Device device = source.open(section.address);
    const auto range = bus_range(device);
    pending.push_back({&section, std::move(options), std::move(device), range});
  }
  if (pending.empty()) {
    throw RestoreRefused("no device of the state file matches the selection; nothing was written");
  }
  order_upstream_first(pending);
  std::vector<DeviceRestore> restores;
  restores.reserve(pending.size());  // link contexts point at earlier restores
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const DeviceSection& section = *pending[i].section;
    const RestoreOptions& options = pending[i].options;
    const LinkContext link = link_of(pending, i, restores);
    Device& device = pending[i].device;
    DevicePlan plan;
    if (options.on_plugin_failure == PluginFailureMode::device) {
      // All or nothing for this device: its plan is dropped whole when a plugin fails.
      try {
        plan = plan_restore(device, section, registry, options, link);
      } catch (const PluginFailure& e) {
        plan = DevicePlan{section.address, {}, {}, {}, {}, true};
        plan.left_out.push_back(fmt::format(
            "{}: device left out of the restore, nothing is written to it (plugin '{}' failed; "
            "policy plugin_failure = \"device\"): {}",
            section.address.str(), e.plugin(), e.what()));
        plan.notes.push_back(plan.left_out.back());
      }
    } else {
      plan = plan_restore(device, section, registry, options, link);
    }
    // The upstream port's plan shows the writes this device's restore makes on it.
    if (plan.upstream) {
      for (DeviceRestore& r : restores) {
        if (r.plan.address == *plan.upstream) {
          for (const PlannedWrite& w : plan.writes) {
            if (w.upstream) {
              r.plan.from_below.push_back({plan.address, w});
            }
          }
        }
      }
    }
    restores.push_back({std::move(device), std::move(plan), {}});
  }
  return restores;
}

Device* upstream_device(std::vector<DeviceRestore>& restores, const DevicePlan& plan) {
  if (!plan.upstream) {
    return nullptr;
  }
  for (DeviceRestore& r : restores) {
    if (r.plan.address == *plan.upstream) {
      return &r.device;
    }
  }
  return nullptr;
}

void apply_restores(std::vector<DeviceRestore>& restores, bool verify) {
  for (DeviceRestore& r : restores) {
    if (!r.plan.excluded) {
      r.result = apply_plan(r.device, r.plan, verify, upstream_device(restores, r.plan));
    }
  }
}

}  // namespace capstate::core
