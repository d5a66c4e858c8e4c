// What a plugin claims: a kind of target (a capability, the configuration header or a region of
// configuration space) and the devices and register values it applies to.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/layout.hpp"

namespace capstate {

/// The devices a claim applies to. An empty list, a zero class mask and the full revision range
/// match every device; each narrowed part makes the claim more specific.
struct DeviceMatch {
  std::span<const std::uint16_t> vendors = {};            ///< vendor IDs (config 0x00)
  std::span<const std::uint16_t> devices = {};            ///< device IDs (config 0x02)
  std::span<const std::uint16_t> subsystem_vendors = {};  ///< subsystem vendor IDs (0x2c, type 0)
  std::span<const std::uint16_t> subsystems = {};         ///< subsystem IDs (0x2e, type 0)
  std::uint32_t class_code = 0;      ///< class, subclass, prog-if (0x09-0x0b), under class_mask
  std::uint32_t class_mask = 0;      ///< bits of the class code compared; 0 compares none
  std::uint8_t revision_min = 0;     ///< lowest revision ID (0x08) matched
  std::uint8_t revision_max = 0xff;  ///< highest revision ID matched
};

/// One kind of target a plugin owns, on the devices it matches.
///
/// The registry gives each target of a device to the most specific claim that matches it (each
/// narrowed DeviceMatch part and each `when` condition counts one); a claim narrowed by nothing is
/// the generic fallback. Two loaded claims of equal specificity that could match the same target
/// conflict, and policy `[plugin_winner]` decides.
struct Claim {
  CapKind kind = CapKind::standard;  ///< a standard or extended capability, the header or a region
  std::uint16_t id = 0;              ///< the capability ID; 0 for the header and regions
  DeviceMatch device = {};           ///< which devices
  /// Conditions on the target's own registers, all of which must hold: a VSEC ID at +0x04
  /// (`Test::equals`, mask 0xffff), a DVSEC vendor at +0x04 and DVSEC ID at +0x08, a revision.
  std::array<Condition, 3> when{};
  std::uint16_t region_offset = 0;  ///< region: first byte, from the start of configuration space
  std::uint16_t region_size = 0;    ///< region: length in bytes (never inside a capability)
};

}  // namespace capstate
