// Register layout of the Precision Time Measurement capability (extended 0x001f), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::ptm {

/// Capability ID of PTM in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x001f;
/// Restore phase: after DPC (238), before the header (250), as pci_restore_state calls
/// pci_restore_ptm_state after pci_restore_dpc_state.
inline constexpr std::uint16_t kRestorePhase = 241;

/// PTM Capability (RO): Requester (0x1), Responder (0x2) and Root (0x4) capable, Local Clock
/// Granularity (bits 15:8). They identify the capability.
inline constexpr std::uint32_t kCapabilityIdentity = 0x0000ff07;
/// PTM Control: PTM Enable.
inline constexpr std::uint32_t kEnable = 0x00000001;
/// PTM Control: Root Select (only where the function is Root capable).
inline constexpr std::uint32_t kRootSelect = 0x00000002;
/// PTM Control: Effective Granularity (bits 15:8).
inline constexpr std::uint32_t kEffectiveGranularity = 0x0000ff00;
/// PTM Control: every bit restored; the kernel writes the whole saved dword back.
inline constexpr std::uint32_t kControlWritable = kEnable | kRootSelect | kEffectiveGranularity;

// clang-format off
/// Schema 1: the Capability for the must-match check, Control restored (both 32-bit, as the
/// kernel's pci_save_ptm_state reads Control).
inline constexpr std::array<Field, 2> kSchema1Fields{{
    {.name = "ptm_capability", .offset = 0x04, .width = Width::dword, .must_match = kCapabilityIdentity},
    {.name = "ptm_control", .offset = 0x08, .width = Width::dword, .writable = kControlWritable, .verify = kControlWritable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::ptm
