// Register layout of the Virtual Channel capability (extended 0x0002, 0x0009 in a function that
// also has Multi-Function VC, and Multi-Function VC 0x0008 itself), schema 1.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "capstate/sdk/layout.hpp"

namespace capstate::vc {

/// Capability ID of Virtual Channel in the extended list (a function without MFVC).
inline constexpr std::uint16_t kCapabilityId = 0x0002;
/// Capability ID of Virtual Channel in a function that also implements MFVC (0x0008); the same
/// registers as 0x0002.
inline constexpr std::uint16_t kVc9CapabilityId = 0x0009;
/// Capability ID of Multi-Function Virtual Channel: the same registers, where the arbitration
/// table and select are the function arbitration's (the kernel's vc.c walks all three alike).
inline constexpr std::uint16_t kMfvcCapabilityId = 0x0008;
/// Restore phase: after ATS (220), before Resizable BAR (235), as pci_restore_state restores the
/// VC capabilities after ATS and before Resizable BAR.
inline constexpr std::uint16_t kRestorePhase = 230;

/// Offset of Port VC Capability 1 from the capability start.
inline constexpr std::uint16_t kPortCapability1Offset = 0x04;
/// Offset of Port VC Capability 2.
inline constexpr std::uint16_t kPortCapability2Offset = 0x08;
/// Offset of Port VC Control (16-bit).
inline constexpr std::uint16_t kPortControlOffset = 0x0c;
/// Offset of Port VC Status (16-bit).
inline constexpr std::uint16_t kPortStatusOffset = 0x0e;

/// Port VC Capability 1: Extended VC Count, the VCs beyond VC0 (RO).
inline constexpr std::uint32_t kExtendedVcCount = 0x00000007;
/// Port VC Capability 1: Low Priority Extended VC Count, the VCs beyond VC0 in the low-priority
/// group that VC arbitration serves (RO).
inline constexpr std::uint32_t kLowPriorityVcCount = 0x00000070;
/// Port VC Capability 1: Reference Clock of time-based port arbitration (RO).
inline constexpr std::uint32_t kReferenceClock = 0x00000300;
/// Port VC Capability 1: Port Arbitration Table Entry Size, 1 << value bits (RO).
inline constexpr std::uint32_t kPortArbEntrySize = 0x00000c00;
/// Port VC Capability 1: the read-only bits that identify the capability.
inline constexpr std::uint32_t kPortCapability1Identity =
    kExtendedVcCount | kLowPriorityVcCount | kReferenceClock | kPortArbEntrySize;

/// Port VC Capability 2: VC Arbitration Capability, bit 0 hardware fixed, bits 1-3 WRR with 32,
/// 64 and 128 phases, bits 7:4 reserved (RO).
inline constexpr std::uint32_t kVcArbCapability = 0x000000ff;
/// Port VC Capability 2: WRR arbitration with 32 phases.
inline constexpr std::uint32_t kWrr32 = 0x00000002;
/// Port VC Capability 2: WRR arbitration with 64 phases.
inline constexpr std::uint32_t kWrr64 = 0x00000004;
/// Port VC Capability 2: WRR arbitration with 128 phases.
inline constexpr std::uint32_t kWrr128 = 0x00000008;
/// Port VC Capability 2: VC Arbitration Table Offset from the capability start, in 16-byte
/// units; 0 when there is no table (RO).
inline constexpr std::uint32_t kVcArbTableOffset = 0xff000000;
/// log2 of the 16-byte unit of the VC Arbitration Table Offset.
inline constexpr std::uint8_t kVcArbTableUnitShift = 4;
/// Port VC Capability 2: the read-only bits that identify the capability.
inline constexpr std::uint32_t kPortCapability2Identity = kVcArbCapability | kVcArbTableOffset;

/// Port VC Control: Load VC Arbitration Table, a command: writing 1 makes the port apply the
/// table; it reads 0.
inline constexpr std::uint32_t kLoadVcArbTable = 0x0001;
/// Port VC Control: VC Arbitration Select, the scheme in use (RW).
inline constexpr std::uint32_t kVcArbSelect = 0x000e;
/// Port VC Status: VC Arbitration Table Status, set while a loaded table is not yet applied
/// (RO).
inline constexpr std::uint32_t kVcArbTableStatus = 0x0001;

/// Offset of VC0's resource (its VC Resource Capability register) from the capability start.
inline constexpr std::uint16_t kResourcesOffset = 0x10;
/// Bytes of one VC resource: Capability, Control, a reserved word and Status.
inline constexpr std::uint32_t kResourceBytes = 0x0c;
/// The most VC resources (Extended VC Count is 3 bits, plus VC0).
inline constexpr std::uint32_t kMaxResources = 8;
/// Offset of VC Resource Control within a resource.
inline constexpr std::uint16_t kResourceControl = 0x4;
/// Offset of VC Resource Status (16-bit) within a resource.
inline constexpr std::uint16_t kResourceStatus = 0xa;

/// VC Resource Capability: Port Arbitration Capability, the schemes of port arbitration (RO).
inline constexpr std::uint32_t kPortArbCapability = 0x000000ff;
/// VC Resource Capability: Reject Snoop Transactions (RO).
inline constexpr std::uint32_t kRejectSnoop = 0x00008000;
/// VC Resource Capability: Maximum Time Slots of time-based WRR, minus 1 (RO).
inline constexpr std::uint32_t kMaxTimeSlots = 0x007f0000;
/// VC Resource Capability: Port Arbitration Table Offset from the capability start, in 16-byte
/// units; 0 when the VC has no table (RO).
inline constexpr std::uint32_t kPortArbTableOffset = 0xff000000;
/// VC Resource Capability: the read-only bits that identify a resource.
inline constexpr std::uint32_t kResourceIdentity =
    kPortArbCapability | kRejectSnoop | kMaxTimeSlots | kPortArbTableOffset;

/// VC Resource Control: TC/VC Map, the traffic classes the VC carries (RW; bit 0 of VC0 is
/// hardwired to 1).
inline constexpr std::uint32_t kTcVcMap = 0x000000ff;
/// VC Resource Control: Load Port Arbitration Table, a command like kLoadVcArbTable.
inline constexpr std::uint32_t kLoadPortArbTable = 0x00010000;
/// VC Resource Control: Port Arbitration Select, the port arbitration scheme (RW).
inline constexpr std::uint32_t kPortArbSelect = 0x000e0000;
/// VC Resource Control: VC ID (RW; VC0's is hardwired to 0).
inline constexpr std::uint32_t kVcId = 0x07000000;
/// VC Resource Control: VC Enable (RW; VC0's is hardwired to 1).
inline constexpr std::uint32_t kVcEnable = 0x80000000;
/// VC Resource Control: what the first write of a resource restores (all but Enable).
inline constexpr std::uint32_t kControlRestored = kTcVcMap | kPortArbSelect | kVcId;

/// VC Resource Status: Port Arbitration Table Status (RO).
inline constexpr std::uint32_t kPortArbTableStatus = 0x0001;
/// VC Resource Status: VC Negotiation Pending, set until the VC's enable or disable has been
/// negotiated with the other end of the link (RO).
inline constexpr std::uint32_t kVcNegotiationPending = 0x0002;

/// How long restore polls VC Arbitration Table Status and VC Negotiation Pending: the kernel's
/// pci_wait_for_pending sleeps 0 + 100 + 200 + 400 ms.
inline constexpr std::uint32_t kPendingTimeoutUs = 700'000;

/// Name of the Port VC Capability 1 field (the resource count and the low-priority count).
inline constexpr std::string_view kPortCapability1 = "port_capability1";
/// Name of the Port VC Capability 2 field (the table's place and phases).
inline constexpr std::string_view kPortCapability2 = "port_capability2";
/// Name of the Port VC Control field.
inline constexpr std::string_view kPortControl = "port_control";
/// Name of the resource array.
inline constexpr std::string_view kResourceArray = "resource";

// clang-format off
/// Schema 1 fields: the port registers, in register order.
inline constexpr std::array<Field, 4> kSchema1Fields{{
    // Port VC Capability 1: read-only, the VC counts, clock and entry size must match.
    {.name = kPortCapability1, .offset = kPortCapability1Offset, .width = Width::dword, .must_match = kPortCapability1Identity},
    // Port VC Capability 2: read-only, the arbitration capability and the table offset must match.
    {.name = kPortCapability2, .offset = kPortCapability2Offset, .width = Width::dword, .must_match = kPortCapability2Identity},
    // Port VC Control: VC Arbitration Select restored; Load VC Arbitration Table only set by the
    // sequence (transient), never restored.
    {.name = kPortControl, .offset = kPortControlOffset, .width = Width::word, .writable = kVcArbSelect, .verify = kVcArbSelect, .transient = kLoadVcArbTable},
    // Port VC Status: read-only, saved for reference.
    {.name = "port_status", .offset = kPortStatusOffset, .width = Width::word},
}};

/// One VC resource. The capability's must-match is checked by the plugin's restore sequence (the
/// engine checks layout fields only); Enable is written by the sequence, VC > 0 only.
inline constexpr std::array<Field, 3> kResourceFields{{
    // VC Resource Capability: read-only, must match.
    {.name = "capability", .offset = 0x0, .width = Width::dword, .must_match = kResourceIdentity},
    // VC Resource Control: TC/VC Map, Port Arbitration Select, VC ID restored and verified; VC
    // Enable written when it differs; Load Port Arbitration Table transient.
    {.name = "control", .offset = kResourceControl, .width = Width::dword, .writable = kControlRestored | kVcEnable, .verify = kControlRestored, .transient = kLoadPortArbTable},
    // VC Resource Status: read-only, saved for reference.
    {.name = "status", .offset = kResourceStatus, .width = Width::word},
}};

/// One dword of the VC Arbitration Table: eight 4-bit phase entries, each a VC ID (bits 2:0).
inline constexpr std::array<Field, 1> kVcArbEntryFields{{
    {.name = "entries", .offset = 0x0, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff},
}};
// clang-format on

/// The VC Arbitration Table exists when the port has low-priority VCs ...
inline constexpr Condition kHasLowPriorityVcs{.test = Test::any_bit_set,
                                              .source = ValueSource::saved_field,
                                              .field = kPortCapability1,
                                              .mask = kLowPriorityVcCount};
/// ... and Port VC Capability 2 gives its offset.
inline constexpr Condition kHasVcArbTable{.test = Test::any_bit_set,
                                          .source = ValueSource::saved_field,
                                          .field = kPortCapability2,
                                          .mask = kVcArbTableOffset};
/// 128 phases are the most the port advertises.
inline constexpr Condition kPhases128{.test = Test::any_bit_set,
                                      .source = ValueSource::saved_field,
                                      .field = kPortCapability2,
                                      .mask = kWrr128};
/// 64 phases are the most the port advertises (bit 2 set, bit 3 clear).
inline constexpr Condition kPhases64{.test = Test::equals,
                                     .source = ValueSource::saved_field,
                                     .field = kPortCapability2,
                                     .mask = kWrr128 | kWrr64,
                                     .shift = 2,
                                     .operand = 1};
/// 32 phases are the most the port advertises (bit 1 set, bits 3:2 clear).
inline constexpr Condition kPhases32{.test = Test::equals,
                                     .source = ValueSource::saved_field,
                                     .field = kPortCapability2,
                                     .mask = kWrr128 | kWrr64 | kWrr32,
                                     .shift = 1,
                                     .operand = 1};

/// Where the VC Arbitration Table lies: the offset in Port VC Capability 2 bits 31:24, in 16-byte
/// units from the capability start.
inline constexpr Placement kVcArbTablePlace{.space = Space::config,
                                            .locator = kPortCapability2,
                                            .offset_mask = kVcArbTableOffset,
                                            .unit_shift = kVcArbTableUnitShift};

/// The arrays: the VC Arbitration Table in three variants by size (phases x 4 bits: 16, 8 or 4
/// dwords; at most one is present), then the VC resources, VC0 first.
inline constexpr std::array<Array, 4> kSchema1Arrays{{
    {.name = "vc_arbitration_128",
     .saved_name = "vc_arbitration_128_saved",
     .count_name = "vc_arbitration_128_dwords",
     .count = {.constant = 16, .max = 16},
     .place = kVcArbTablePlace,
     .stride = 4,
     .fields = kVcArbEntryFields,
     .presence = {.all_of = {kHasLowPriorityVcs, kHasVcArbTable, kPhases128}}},
    {.name = "vc_arbitration_64",
     .saved_name = "vc_arbitration_64_saved",
     .count_name = "vc_arbitration_64_dwords",
     .count = {.constant = 8, .max = 8},
     .place = kVcArbTablePlace,
     .stride = 4,
     .fields = kVcArbEntryFields,
     .presence = {.all_of = {kHasLowPriorityVcs, kHasVcArbTable, kPhases64}}},
    {.name = "vc_arbitration_32",
     .saved_name = "vc_arbitration_32_saved",
     .count_name = "vc_arbitration_32_dwords",
     .count = {.constant = 4, .max = 4},
     .place = kVcArbTablePlace,
     .stride = 4,
     .fields = kVcArbEntryFields,
     .presence = {.all_of = {kHasLowPriorityVcs, kHasVcArbTable, kPhases32}}},
    {.name = kResourceArray,
     .saved_name = "resources_saved",
     .count_name = "resources",
     .count =
         {.field = kPortCapability1, .mask = kExtendedVcCount, .plus = 1, .max = kMaxResources},
     .place = {.space = Space::config, .offset = kResourcesOffset},
     .stride = kResourceBytes,
     .fields = kResourceFields},
}};

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1,
     .encoding = Encoding::present_fields,
     .fields = kSchema1Fields,
     .arrays = kSchema1Arrays},
}};

}  // namespace capstate::vc
