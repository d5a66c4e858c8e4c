// Register layout of the L1 PM Substates capability (extended 0x001e), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::l1ss {

/// Capability ID of L1 PM Substates in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x001e;
/// Restore phase: after LTR (100), before the PCIe registers (200), as pci_restore_pcie_state
/// restores the LTR latencies, then L1 PM Substates, then Device and Link Control.
inline constexpr std::uint16_t kRestorePhase = 150;

/// L1 PM Substates Capabilities (RO): the four substates supported and L1 PM Substates supported
/// (bits 4:0), Port Common_Mode_Restore_Time (15:8), Port T_POWER_ON Scale (17:16) and Value
/// (23:19). What the port can do identifies it.
inline constexpr std::uint32_t kCapabilityIdentity = 0x00fbff1f;
/// Control 1 (RW): PCI-PM L1.2 (bit 0), PCI-PM L1.1 (1), ASPM L1.2 (2), ASPM L1.1 (3) enables,
/// Common_Mode_Restore_Time (15:8), LTR_L1.2_THRESHOLD_Value (25:16) and Scale (31:29).
inline constexpr std::uint32_t kControl1Writable = 0xe3ffff0f;
/// Control 1: the two L1.2 enables, which the kernel sets only after both ends of the link are
/// programmed.
inline constexpr std::uint32_t kL12Enables = 0x00000005;
/// Control 2 (RW): T_POWER_ON Scale (1:0) and Value (7:3).
inline constexpr std::uint32_t kControl2Writable = 0x000000fb;
/// Offset of Control 1 from the capability start.
inline constexpr std::uint16_t kControl1Offset = 0x08;
/// Offset of Control 2.
inline constexpr std::uint16_t kControl2Offset = 0x0c;

// clang-format off
/// Schema 1: the Capabilities register for the must-match check, Control 2 and Control 1 (the
/// kernel's saved order, [0] = Control 2, [1] = Control 1).
inline constexpr std::array<Field, 3> kSchema1Fields{{
    {.name = "l1ss_capabilities", .offset = 0x04, .width = Width::dword, .must_match = kCapabilityIdentity},
    {.name = "l1ss_control2", .offset = kControl2Offset, .width = Width::dword, .writable = kControl2Writable, .verify = kControl2Writable},
    {.name = "l1ss_control1", .offset = kControl1Offset, .width = Width::dword, .writable = kControl1Writable, .verify = kControl1Writable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::l1ss
