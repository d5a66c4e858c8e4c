// Register layout of the Page Request Interface capability (extended 0x0013), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::pri {

/// Capability ID of PRI in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x0013;
/// Restore phase: after PASID (210), before ATS (220), as pci_restore_state calls
/// pci_restore_pri_state between pci_restore_pasid_state and pci_restore_ats_state.
inline constexpr std::uint16_t kRestorePhase = 215;

/// PRI Control: Enable.
inline constexpr std::uint32_t kEnable = 0x0001;
/// PRI Control: Reset, a command (resets the page request credit accounting when written as 1
/// while Enable is clear). Never restored, never verified.
inline constexpr std::uint32_t kReset = 0x0002;
/// PRI Control: the bits restored (Enable only).
inline constexpr std::uint32_t kControlWritable = kEnable;
/// PRI Status: Response Failure (write-1-to-clear).
inline constexpr std::uint32_t kResponseFailure = 0x0001;
/// PRI Status: Unexpected Page Request Group Index (write-1-to-clear).
inline constexpr std::uint32_t kUnexpectedIndex = 0x0002;
/// PRI Status: the write-1-to-clear bits.
inline constexpr std::uint32_t kStatusW1c = kResponseFailure | kUnexpectedIndex;
/// PRI Status: Stopped (RO; set while Enable is clear and no request is outstanding).
inline constexpr std::uint32_t kStopped = 0x0100;
/// PRI Status: PRG Response PASID Required (RO).
inline constexpr std::uint32_t kResponsePasidRequired = 0x8000;
/// Outstanding Page Request Capacity (RO): how many requests the function may have outstanding.
/// The whole register identifies the capability (a saved allocation is only valid up to it).
inline constexpr std::uint32_t kCapacityIdentity = 0xffffffff;
/// Outstanding Page Request Allocation: every bit restored.
inline constexpr std::uint32_t kAllocationWritable = 0xffffffff;

// clang-format off
/// Schema 1, in restore order: the Capacity for the must-match check, the Allocation written
/// before Control's Enable (as the kernel's pci_restore_pri_state does; fields are written in
/// layout order), Control, then Status saved for inspection only (never written: its W1C bits
/// would clear page request errors nobody handled).
inline constexpr std::array<Field, 4> kSchema1Fields{{
    // Outstanding Page Request Capacity: read-only, identifies the capability.
    {.name = "pri_capacity", .offset = 0x08, .width = Width::dword, .must_match = kCapacityIdentity},
    // Outstanding Page Request Allocation: restored first, while Enable is still clear.
    {.name = "pri_allocation", .offset = 0x0c, .width = Width::dword, .writable = kAllocationWritable, .verify = kAllocationWritable},
    // PRI Control: Enable restored after the allocation; Reset never written or verified.
    {.name = "pri_control", .offset = 0x04, .width = Width::word, .writable = kControlWritable, .verify = kControlWritable},
    // PRI Status: saved only; Response Failure and Unexpected PRG Index are W1C.
    {.name = "pri_status", .offset = 0x06, .width = Width::word, .w1c = kStatusW1c},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::pri
