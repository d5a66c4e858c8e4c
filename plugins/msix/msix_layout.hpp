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

/// The fingerprint schema 2 had while its vector table was plugin-coded extra bytes. The table
/// is now an array with the very same bytes (u8 table_saved, u16 entries, then the entries), so
/// records written then still decode; tests/golden/v2-msix-table.cst proves it.
inline constexpr std::uint64_t kSchema2ExtraBytesFingerprint = 0x131593cace161065ULL;

// clang-format off
/// Schema 1: Message Control only.
inline constexpr std::array<Field, 1> kSchema1Fields{{
    // Message Control: Enable and Function Mask are restored; the table size is read-only.
    {.name = "message_control", .offset = 0x02, .width = Width::word, .writable = kEnable | kMaskAll, .verify = kEnable | kMaskAll},
}};

/// Schema 2: Message Control and Table Offset/BIR as fields, then the vector table as an array.
inline constexpr std::array<Field, 2> kSchema2Fields{{
    // Message Control: Enable and Function Mask are restored; the table size is read-only and
    // identifies the capability (a different size is a different table).
    {.name = "message_control", .offset = 0x02, .width = Width::word, .writable = kEnable | kMaskAll, .verify = kEnable | kMaskAll, .must_match = kTableSizeMask},
    // Table Offset/BIR: read-only; restore refuses a device whose table moved.
    {.name = "table_location", .offset = 0x04, .width = Width::dword, .writable = 0, .verify = 0xffffffff, .must_match = 0xffffffff},
}};

/// One vector table entry: address, data, and the per-vector Mask bit (the rest is reserved).
inline constexpr std::array<Field, 4> kEntryFields{{
    {.name = "address_lo", .offset = 0x0, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff},
    {.name = "address_hi", .offset = 0x4, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff},
    {.name = "data", .offset = 0x8, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff},
    {.name = "vector_control", .offset = 0xc, .width = Width::dword, .writable = kVectorMaskBit, .verify = kVectorMaskBit},
}};
// clang-format on

/// The vector table: Table Size + 1 entries of 16 bytes, in the BAR and at the offset that
/// Table Offset/BIR gives.
inline constexpr std::array<Array, 1> kSchema2Arrays{{
    {.name = "vector",
     .saved_name = "table_saved",
     .count_name = "entries",
     .count = {.field = "message_control", .mask = kTableSizeMask, .plus = 1, .max = 2048},
     .place = {.space = Space::bar,
               .locator = "table_location",
               .bar_mask = kBirMask,
               .offset_mask = ~kBirMask},
     .stride = kEntryBytes,
     .fields = kEntryFields},
}};

/// Both layouts, oldest first.
inline constexpr std::array<Layout, 2> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kSchema1Fields},
    {.schema_version = 2,
     .encoding = Encoding::present_fields,
     .fields = kSchema2Fields,
     .arrays = kSchema2Arrays,
     .earlier_fingerprint = kSchema2ExtraBytesFingerprint},
}};

}  // namespace capstate::msix
