// Register layout of the Resizable BAR capability (extended 0x0015), schema 1.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "capstate/sdk/layout.hpp"

namespace capstate::rebar {

/// Capability ID of Resizable BAR in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x0015;
/// Restore phase: after ATS (220), before DPC (238) and the header (250), as pci_restore_state
/// calls pci_restore_rebar_state before pci_restore_dpc_state and writes the sizes before the
/// header writes the BAR addresses.
inline constexpr std::uint16_t kRestorePhase = 235;

/// Offset of entry 0 (its Capability register) from the capability start.
inline constexpr std::uint16_t kEntriesOffset = 0x04;
/// Bytes of one entry: a Capability and a Control register.
inline constexpr std::uint32_t kEntryBytes = 8;
/// The most entries a function has (one per BAR, six BARs).
inline constexpr std::uint32_t kMaxEntries = 6;

/// Resizable BAR Capability: the supported sizes, bit 4 for 1 MB up to bit 31 for 128 TB (RO).
/// Bits 3:0 are reserved.
inline constexpr std::uint32_t kSupportedSizes = 0xfffffff0;
/// Resizable BAR Control: BAR Index, the BAR this entry resizes (RO).
inline constexpr std::uint32_t kBarIndex = 0x00000007;
/// Resizable BAR Control: Number of Resizable BARs, 1 to 6 (RO; entry 0 only, reserved in the
/// others).
inline constexpr std::uint32_t kBarCount = 0x000000e0;
/// Right shift of the Number of Resizable BARs.
inline constexpr std::uint8_t kBarCountShift = 5;
/// Resizable BAR Control: BAR Size, log2 of the size in bytes minus 20 (RW).
inline constexpr std::uint32_t kBarSize = 0x00003f00;
/// Resizable BAR Control: more supported sizes, bit 16 for 256 TB up to bit 31 for 8 EB (RO;
/// added by a later revision of the specification, 0 on older functions).
inline constexpr std::uint32_t kMoreSizes = 0xffff0000;
/// Resizable BAR Control: the read-only bits that identify an entry.
inline constexpr std::uint32_t kControlIdentity = kMoreSizes | kBarCount | kBarIndex;

/// Name of entry 0's Control field, which holds the entry count.
inline constexpr std::string_view kCountField = "rebar_entry0_control";

// clang-format off
/// Schema 1 fields: entry 0's Control, saved for its Number of Resizable BARs (the entry count,
/// must match); its BAR Size is restored by the entry array, not by this field.
inline constexpr std::array<Field, 1> kSchema1Fields{{
    // Entry 0's Control: read-only here, its Number of Resizable BARs must match.
    {.name = kCountField, .offset = 0x08, .width = Width::dword, .must_match = kBarCount},
}};

/// One entry: the supported sizes and the Control register, whose BAR Size is restored. Both
/// must match in their read-only bits (checked by the plugin's restore sequence).
inline constexpr std::array<Field, 2> kEntryFields{{
    // Resizable BAR Capability: the supported sizes, read-only, must match.
    {.name = "capability", .offset = 0x0, .width = Width::dword, .must_match = kSupportedSizes},
    // Resizable BAR Control: BAR Size restored; BAR Index, BAR count, larger sizes must match.
    {.name = "control", .offset = 0x4, .width = Width::dword, .writable = kBarSize, .verify = kBarSize, .must_match = kControlIdentity},
}};
// clang-format on

/// The entries, present when entry 0 reports 1 to 6 resizable BARs (0 and 7 are not valid).
inline constexpr Condition kValidCount{.test = Test::value_in_set,
                                       .source = ValueSource::saved_field,
                                       .field = kCountField,
                                       .mask = kBarCount,
                                       .shift = kBarCountShift,
                                       .operand = value_set(1, 2, 3, 4, 5, 6)};

/// The entries: Number of Resizable BARs entries of 8 bytes from +0x04.
inline constexpr std::array<Array, 1> kSchema1Arrays{{
    {.name = "entry",
     .saved_name = "entries_saved",
     .count_name = "entries",
     .count =
         {.field = kCountField, .mask = kBarCount, .shift = kBarCountShift, .max = kMaxEntries},
     .place = {.space = Space::config, .offset = kEntriesOffset},
     .stride = kEntryBytes,
     .fields = kEntryFields,
     .presence = {.all_of = {kValidCount}}},
}};

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1,
     .encoding = Encoding::present_fields,
     .fields = kSchema1Fields,
     .arrays = kSchema1Arrays},
}};

}  // namespace capstate::rebar
