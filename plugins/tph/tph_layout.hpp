// Register layout of the TPH Requester capability (extended 0x0017), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::tph {

/// Capability ID of the TPH Requester in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x0017;
/// Restore phase: after ptm (241), before aer (247) and the header (250), where
/// pci_restore_state restores TPH.
inline constexpr std::uint16_t kRestorePhase = 244;

/// TPH Requester Capability: No ST Mode, Interrupt Vector Mode and Device Specific Mode
/// Supported (bits 2:0, RO).
inline constexpr std::uint32_t kStModes = 0x00000007;
/// TPH Requester Capability: Extended TPH Requester Supported (bit 8, RO).
inline constexpr std::uint32_t kExtendedTph = 0x00000100;
/// TPH Requester Capability: ST Table Location (bits 10:9, RO): 0 none, 1 in this capability,
/// 2 in the MSI-X table, 3 reserved.
inline constexpr std::uint32_t kStTableLocation = 0x00000600;
/// Right shift of the ST Table Location field.
inline constexpr std::uint8_t kStTableLocationShift = 9;
/// ST Table Location value: the table follows the Control register in this capability.
inline constexpr std::uint32_t kLocationInCapability = 1;
/// ST Table Location value: the tags are bits 31:16 of each MSI-X table entry's Vector Control.
inline constexpr std::uint32_t kLocationInMsix = 2;
/// TPH Requester Capability: ST Table Size (bits 26:16, RO), the number of entries - 1.
inline constexpr std::uint32_t kStTableSize = 0x07ff0000;
/// Right shift of the ST Table Size field.
inline constexpr std::uint8_t kStTableSizeShift = 16;
/// TPH Requester Capability: the fixed bits that identify the capability (modes, extended TPH,
/// table location and size).
inline constexpr std::uint32_t kCapabilityIdentity =
    kStModes | kExtendedTph | kStTableLocation | kStTableSize;
/// TPH Requester Control: ST Mode Select (bits 2:0, RW): 0 No ST, 1 Interrupt Vector, 2 Device
/// Specific.
inline constexpr std::uint32_t kStModeSelect = 0x00000007;
/// TPH Requester Control: TPH Requester Enable (bits 9:8, RW): 0 off, 1 TPH, 3 TPH and
/// extended TPH.
inline constexpr std::uint32_t kRequesterEnable = 0x00000300;
/// TPH Requester Control: the bits restored.
inline constexpr std::uint32_t kControlWritable = kStModeSelect | kRequesterEnable;
/// Offset of ST table entry 0 from the capability start.
inline constexpr std::uint16_t kStTableOffset = 0x0c;
/// Bytes of one ST table entry (ST Lower bits 7:0, ST Upper bits 15:8).
inline constexpr std::uint32_t kStEntryBytes = 2;
/// The most entries a table in the capability may have (the PCIe limit for this location; the
/// 11-bit size field reaches 2048 only for a table in the MSI-X table).
inline constexpr std::uint32_t kMaxStEntries = 64;

// clang-format off
/// Schema 1: the Capability register for the must-match check and the table's size and place,
/// the Control register restored.
inline constexpr std::array<Field, 2> kSchema1Fields{{
    {.name = "tph_capability", .offset = 0x04, .width = Width::dword, .must_match = kCapabilityIdentity},
    {.name = "tph_control", .offset = 0x08, .width = Width::dword, .writable = kControlWritable, .verify = kControlWritable},
}};

/// One ST table entry: ST Lower and ST Upper, both RW.
inline constexpr std::array<Field, 1> kStEntryFields{{
    {.name = "tag", .offset = 0x0, .width = Width::word, .writable = 0xffff, .verify = 0xffff},
}};
// clang-format on

/// The steering-tag table, when it lives in this capability: ST Table Size + 1 entries of 16
/// bits from +0x0c.
inline constexpr std::array<Array, 1> kSchema1Arrays{{
    {.name = "st_table",
     .saved_name = "st_table_saved",
     .count_name = "st_entries",
     .count = {.field = "tph_capability",
               .mask = kStTableSize,
               .shift = kStTableSizeShift,
               .plus = 1,
               .max = kMaxStEntries},
     .place = {.space = Space::config, .offset = kStTableOffset},
     .stride = kStEntryBytes,
     .fields = kStEntryFields,
     .presence = {.all_of = {Condition{.test = Test::equals,
                                       .source = ValueSource::saved_field,
                                       .field = "tph_capability",
                                       .mask = kStTableLocation,
                                       .shift = kStTableLocationShift,
                                       .operand = kLocationInCapability}}}},
}};

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1,
     .encoding = Encoding::present_fields,
     .fields = kSchema1Fields,
     .arrays = kSchema1Arrays},
}};

}  // namespace capstate::tph
