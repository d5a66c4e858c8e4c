// Register layout of the Address Translation Services capability (extended 0x000f), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::ats {

/// Capability ID of ATS in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x000f;
/// Restore phase: after PASID (210) and PRI (215), before Resizable BAR (235), DPC (238) and the
/// header (250), as pci_restore_state calls pci_restore_ats_state last of the three.
inline constexpr std::uint16_t kRestorePhase = 220;

/// ATS Capability: Invalidate Queue Depth, bits 4:0 (RO; 0 means 32).
inline constexpr std::uint32_t kQueueDepth = 0x001f;
/// ATS Capability: Page Aligned Request (RO).
inline constexpr std::uint32_t kPageAligned = 0x0020;
/// ATS Capability: Global Invalidate Supported (RO).
inline constexpr std::uint32_t kGlobalInvalidate = 0x0040;
/// ATS Capability: Relaxed Ordering Supported (RO).
inline constexpr std::uint32_t kRelaxedOrdering = 0x0080;
/// ATS Capability: every defined bit (all RO) identifies the capability; bits 15:8 are reserved.
inline constexpr std::uint32_t kCapabilityIdentity =
    kQueueDepth | kPageAligned | kGlobalInvalidate | kRelaxedOrdering;
/// ATS Control: Smallest Translation Unit, bits 4:0 (log2 of the unit minus 12).
inline constexpr std::uint32_t kSmallestUnit = 0x001f;
/// ATS Control: Enable.
inline constexpr std::uint32_t kEnable = 0x8000;
/// ATS Control: every bit restored (Enable and the Smallest Translation Unit).
inline constexpr std::uint32_t kControlWritable = kEnable | kSmallestUnit;

// clang-format off
/// Schema 1: the Capability register for the must-match check, the Control register restored
/// (one 16-bit write, Enable and the unit together, as the kernel writes them).
inline constexpr std::array<Field, 2> kSchema1Fields{{
    // ATS Capability: read-only, identifies the capability.
    {.name = "ats_capability", .offset = 0x04, .width = Width::word, .must_match = kCapabilityIdentity},
    // ATS Control: Enable and the Smallest Translation Unit, restored in one write.
    {.name = "ats_control", .offset = 0x06, .width = Width::word, .writable = kControlWritable, .verify = kControlWritable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::ats
