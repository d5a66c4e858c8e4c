// Register layouts of the MSI-X capability (standard capability 0x11), schemas 1 and 2.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::msix {

/// Capability ID of MSI-X in the standard list.
inline constexpr std::uint16_t kCapabilityId = 0x11;
/// Restore phase: after the PCIe control registers (200), before ASPM is re-enabled (500).
inline constexpr std::uint16_t kRestorePhase = 300;

/// Message Control: MSI-X Enable.
inline constexpr std::uint32_t kEnable = 0x8000;
/// Message Control: Function Mask.
inline constexpr std::uint32_t kMaskAll = 0x4000;
/// Message Control: Table Size field (entries - 1), read-only.
inline constexpr std::uint32_t kTableSizeMask = 0x07ff;
/// Table Offset/BIR: BAR indicator bits.
inline constexpr std::uint32_t kBirMask = 0x7;
/// Vector Control: the per-vector Mask bit (the rest is reserved).
inline constexpr std::uint32_t kVectorMaskBit = 0x1;
/// Bytes of one MSI-X table entry (address lo, address hi, data, vector control).
inline constexpr std::uint32_t kEntryBytes = 16;

/// Canonical description of the extra bytes of schema 2.
inline constexpr std::string_view kSchema2Extra =
    "u8 table_saved (0 or 1); u16 entries (table size from message_control); then, when "
    "table_saved is 1, entries x (u32 address_lo, u32 address_hi, u32 data, u32 vector_control); "
    "all little-endian";

// clang-format off
/// Schema 1: Message Control only.
inline constexpr std::array<Field, 1> kSchema1Fields{{
    // Message Control: Enable and Function Mask are restored; the table size is read-only.
    {.name = "message_control", .offset = 0x02, .width = Width::word, .writable = kEnable | kMaskAll, .verify = kEnable | kMaskAll},
}};

/// Schema 2: Message Control and Table Offset/BIR as fields, then the vector table as extra bytes.
inline constexpr std::array<Field, 2> kSchema2Fields{{
    // Message Control: Enable and Function Mask are restored; the table size is read-only.
    {.name = "message_control", .offset = 0x02, .width = Width::word, .writable = kEnable | kMaskAll, .verify = kEnable | kMaskAll},
    // Table Offset/BIR: read-only; saved so restore can find the table and check it did not move.
    {.name = "table_location", .offset = 0x04, .width = Width::dword, .writable = 0, .verify = 0xffffffff},
}};
// clang-format on

/// Both layouts, oldest first.
inline constexpr std::array<Layout, 2> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kSchema1Fields},
    {.schema_version = 2,
     .encoding = Encoding::present_fields,
     .fields = kSchema2Fields,
     .extra = kSchema2Extra},
}};

}  // namespace capstate::msix
