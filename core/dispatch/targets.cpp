// assign_targets: the most specific matching claim takes each target.
#include "dispatch/targets.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/field_codec.hpp"
#include "registry/claim_match.hpp"

namespace capstate::core {
namespace {

// Whether `claim` takes `target` on this device: the device matches and every `when` condition
// holds on the target's registers.
bool takes(const Claim& claim, const Capability& target, ConfigSpace& config,
           const DeviceIdentity& identity) {
  if (!device_matches(claim.device, identity)) {
    return false;
  }
  RegisterCache regs(config, target);
  return std::all_of(claim.when.begin(), claim.when.end(),
                     [&](const Condition& c) { return condition_holds(c, target, regs, {}); });
}

// The owner of `target`: the most specific claim of the right type that takes it.
TargetOwner owner_of(const Registry& registry, const Capability& target, ConfigSpace& config,
                     const DeviceIdentity& identity) {
  TargetOwner out{target, nullptr, {}};
  const Claim* best = nullptr;
  for (const PluginEntry& e : registry.entries()) {
    if (e.status != PluginStatus::loaded || !e.plugin) {
      continue;
    }
    for (const Claim& c : e.claims) {
      if (claim_type(c) != target.type() ||
          (best != nullptr && claim_specificity(c) <= claim_specificity(*best)) ||
          !takes(c, target, config, identity)) {
        continue;
      }
      best = &c;
      out.entry = &e;
    }
  }
  if (best != nullptr) {
    out.match = claim_text(*best);
  }
  return out;
}

}  // namespace

std::vector<TargetOwner> assign_targets(const Registry& registry, ConfigSpace& config,
                                        const DeviceIdentity& identity,
                                        std::span<const Capability> caps,
                                        std::vector<std::string>* warnings) {
  std::vector<TargetOwner> out;
  out.reserve(caps.size() + 1);
  out.push_back(owner_of(registry, Capability{CapKind::header, 0, 0, 0}, config, identity));
  for (const Capability& cap : caps) {
    out.push_back(owner_of(registry, cap, config, identity));
  }
  // Regions: every matching region claim, most specific first.
  struct Candidate {
    const PluginEntry* entry;
    const Claim* claim;
  };
  std::vector<Candidate> regions;
  for (const PluginEntry& e : registry.entries()) {
    if (e.status != PluginStatus::loaded || !e.plugin) {
      continue;
    }
    for (const Claim& c : e.claims) {
      const Capability target{CapKind::region, 0, c.region_offset, 0};
      if (c.kind == CapKind::region && unsigned{c.region_offset} + c.region_size <= config.size() &&
          takes(c, target, config, identity)) {
        regions.push_back({&e, &c});
      }
    }
  }
  std::stable_sort(regions.begin(), regions.end(), [](const Candidate& a, const Candidate& b) {
    return claim_specificity(*a.claim) > claim_specificity(*b.claim);
  });
  std::vector<std::pair<unsigned, unsigned>> taken;
  for (const Candidate& r : regions) {
    const unsigned begin = r.claim->region_offset;
    const unsigned end = begin + r.claim->region_size;
    const auto inside = std::find_if(caps.begin(), caps.end(), [&](const Capability& cap) {
      return cap.offset >= begin && cap.offset < end;
    });
    if (inside != caps.end()) {
      if (warnings != nullptr) {
        warnings->push_back(fmt::format(
            "{}: plugin '{}' claims region 0x{:03x}-0x{:03x}, but the device has its {} inside "
            "it; the region is not saved on this device (the plugin's claim is too broad)",
            config.device_name(), r.entry->name, begin, end - 1, target_text(*inside)));
      }
      continue;
    }
    const bool overlaps = std::any_of(taken.begin(), taken.end(), [&](const auto& t) {
      return begin < t.second && t.first < end;
    });
    if (overlaps) {
      continue;
    }
    taken.emplace_back(begin, end);
    out.push_back(
        {Capability{CapKind::region, 0, r.claim->region_offset, 0}, r.entry, claim_text(*r.claim)});
  }
  return out;
}

}  // namespace capstate::core
