// Claims compared and matched: how specific a claim is, whether two claims can meet on one
// target, whether a claim takes a device, and the text naming what it matched.
#pragma once

#include <cstddef>
#include <string>

#include "capstate/sdk/claim.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// How narrow `claim` is: one point per narrowed DeviceMatch part (vendors, devices, subsystem
/// vendors, subsystems, class, revision range) and per `when` condition. 0 is the generic fallback.
std::size_t claim_specificity(const Claim& claim);

/// Whether some target of some device could satisfy both claims: the same target type (and, for
/// regions, overlapping ranges), device matches that share a device, and `when` conditions that
/// are not provably exclusive.
bool claims_may_overlap(const Claim& a, const Claim& b);

/// Whether the device with `identity` satisfies claim.device (the `when` conditions are the
/// engine's to test, on the target's registers).
bool device_matches(const DeviceMatch& match, const DeviceIdentity& identity);

/// What `claim` narrows, as shown in plugin listings and stored in records ("vendor 0x8086,
/// [(reg16@0x0004 & 0x0000ffff) >> 0 == 0x23]"); empty for a generic claim.
std::string claim_text(const Claim& claim);

/// The target type of `claim` (its kind and ID).
constexpr CapabilityId claim_type(const Claim& claim) {
  return {claim.kind, claim.id};
}

}  // namespace capstate::core
