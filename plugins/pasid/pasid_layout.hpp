// Register layout of the Process Address Space ID capability (extended 0x001b), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::pasid {

/// Capability ID of PASID in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x001b;
/// Restore phase: after the PCIe registers (200), before PRI (215) and ATS (220), as
/// pci_restore_state calls pci_restore_pasid_state first of the three, right after the PCIe
/// capability.
inline constexpr std::uint16_t kRestorePhase = 210;

/// PASID Capability: Execute Permission Supported (RO).
inline constexpr std::uint32_t kExecuteSupported = 0x0002;
/// PASID Capability: Privileged Mode Supported (RO).
inline constexpr std::uint32_t kPrivilegedSupported = 0x0004;
/// PASID Capability: Max PASID Width, bits 12:8 (RO).
inline constexpr std::uint32_t kMaxWidth = 0x1f00;
/// PASID Capability: the bits that identify the capability (what can be enabled, how wide).
inline constexpr std::uint32_t kCapabilityIdentity =
    kExecuteSupported | kPrivilegedSupported | kMaxWidth;
/// PASID Control: PASID Enable.
inline constexpr std::uint32_t kEnable = 0x0001;
/// PASID Control: Execute Permission Enable (writable only where Execute is supported).
inline constexpr std::uint32_t kExecuteEnable = 0x0002;
/// PASID Control: Privileged Mode Enable (writable only where Privileged Mode is supported).
inline constexpr std::uint32_t kPrivilegedEnable = 0x0004;
/// PASID Control: every bit restored (the three enables).
inline constexpr std::uint32_t kControlWritable = kEnable | kExecuteEnable | kPrivilegedEnable;

// clang-format off
/// Schema 1: the Capability register for the must-match check, the Control register restored.
inline constexpr std::array<Field, 2> kSchema1Fields{{
    // PASID Capability: read-only, identifies the capability.
    {.name = "pasid_capability", .offset = 0x04, .width = Width::word, .must_match = kCapabilityIdentity},
    // PASID Control: the three enables, restored in one write.
    {.name = "pasid_control", .offset = 0x06, .width = Width::word, .writable = kControlWritable, .verify = kControlWritable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::pasid
