// Which plugin takes each target of a device: the header, each capability, each claimed region.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/config_space.hpp"
#include "registry/registry.hpp"
#include "statefile/state_file.hpp"
#include "util/target_text.hpp"

namespace capstate::core {

/// One target of a device and the plugin that takes it.
struct TargetOwner {
  Capability target;                   ///< the header, a capability or a region
  const PluginEntry* entry = nullptr;  ///< the plugin that takes it; null when none claims it
  std::string match;                   ///< what the winning claim narrowed (claim_text)
};

/// Every target of a device with its owner: the header first, then each capability of `caps` in
/// their order, then each region that a matching claim declares. Each target goes to the most
/// specific loaded claim whose device match and `when` conditions (read from the target's own
/// registers) hold. Regions are taken most specific first; one that would hold a capability's
/// header is left out with a line in `warnings` (when not null), one that overlaps a region
/// already taken is left out silently (a narrower claim won it). Messages name targets with
/// target_text (util/target_text.hpp).
std::vector<TargetOwner> assign_targets(const Registry& registry, ConfigSpace& config,
                                        const DeviceIdentity& identity,
                                        std::span<const Capability> caps,
                                        std::vector<std::string>* warnings);

}  // namespace capstate::core
