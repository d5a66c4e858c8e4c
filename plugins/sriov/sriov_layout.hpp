// Register layout of the Single Root I/O Virtualization capability (extended 0x0010), schema 1.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "capstate/sdk/layout.hpp"

namespace capstate::sriov {

/// Capability ID of SR-IOV in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x0010;
/// Restore phase: last before ASPM (500), after acs (400), as pci_restore_state restores SR-IOV
/// after everything else; VF Enable is the final write of the whole restore.
inline constexpr std::uint16_t kRestorePhase = 450;

/// Offset of SR-IOV Control from the capability start.
inline constexpr std::uint16_t kControlOffset = 0x08;

/// SR-IOV Capabilities (RO): VF Migration Capable (bit 0), ARI Capable Hierarchy Preserved
/// (bit 1) and VF 10-Bit Tag Requester Supported (bit 2), fixed by the hardware; they say which
/// Control bits exist. Bits 31:21 (VF Migration Interrupt Message Number) follow the live MSI or
/// MSI-X setup and are left out.
inline constexpr std::uint32_t kCapabilityIdentity = 0x00000007;
/// SR-IOV Control: VF Enable (RW).
inline constexpr std::uint32_t kVfEnable = 0x0001;
/// SR-IOV Control: VF Migration Enable (RW).
inline constexpr std::uint32_t kVfMigrationEnable = 0x0002;
/// SR-IOV Control: VF Migration Interrupt Enable (RW).
inline constexpr std::uint32_t kVfMigrationInterruptEnable = 0x0004;
/// SR-IOV Control: VF Memory Space Enable (RW).
inline constexpr std::uint32_t kVfMemorySpaceEnable = 0x0008;
/// SR-IOV Control: ARI Capable Hierarchy (RW in the lowest-numbered PF, 0 in the others).
inline constexpr std::uint32_t kAriCapableHierarchy = 0x0010;
/// SR-IOV Control: the bits restored (the five enables above).
inline constexpr std::uint32_t kControlWritable = kVfEnable | kVfMigrationEnable |
                                                  kVfMigrationInterruptEnable |
                                                  kVfMemorySpaceEnable | kAriCapableHierarchy;
/// SR-IOV Status: VF Migration Status (write-1-to-clear): saved, never written.
inline constexpr std::uint32_t kVfMigrationStatus = 0x0001;
/// Microseconds to wait after VF Enable is set before the VFs are accessed (the kernel's 100 ms).
inline constexpr std::uint32_t kVfEnableDelayUs = 100'000;

/// A VF BAR holding a 32-bit BAR or the low dword of a 64-bit one: address bits 31:4 (RW).
inline constexpr std::uint32_t kBarAddress = 0xfffffff0;
/// A VF BAR holding the upper dword of a 64-bit BAR: every bit is address bits 63:32 (RW).
inline constexpr std::uint32_t kBarUpperAddress = 0xffffffff;
/// A VF BAR's memory indicator (bit 0), type (bits 2:1) and prefetchable (bit 3), read-only: the
/// shape of the VF BARs, so a device that reports other types is not the one saved.
inline constexpr std::uint32_t kBarShape = 0x0000000f;
/// A VF BAR's type bits (2:1); 2 (value 0x4) is a 64-bit BAR whose upper dword is the next BAR.
inline constexpr std::uint32_t kBarType = 0x00000006;

/// The previous VF BAR (field `previous`, its 32-bit or low variant) is the low dword of a
/// 64-bit BAR: this one holds its upper dword. When `previous` is itself absent (an upper dword),
/// it reads 0 here and this one is a BAR of its own.
inline constexpr Condition upper_of(std::string_view previous) {
  return {.test = Test::equals,
          .source = ValueSource::saved_field,
          .field = previous,
          .mask = kBarType,
          .shift = 1,
          .operand = 2};
}
/// The previous VF BAR (field `previous`) is no 64-bit low dword: this one is a BAR of its own.
inline constexpr Condition own_bar_after(std::string_view previous) {
  return {.test = Test::value_in_set,
          .source = ValueSource::saved_field,
          .field = previous,
          .mask = kBarType,
          .shift = 1,
          .operand = value_set(0, 1, 3)};
}

/// A VF BAR holding a 32-bit BAR or a 64-bit BAR's low dword (present `when`).
inline constexpr Field vf_bar(std::string_view name, std::uint16_t offset, Presence when) {
  return {.name = name,
          .offset = offset,
          .width = Width::dword,
          .writable = kBarAddress,
          .verify = kBarAddress,
          .presence = when,
          .must_match = kBarShape};
}
/// A VF BAR holding the upper dword of the 64-bit BAR before it (present `when`).
inline constexpr Field vf_bar_upper(std::string_view name, std::uint16_t offset, Presence when) {
  return {.name = name,
          .offset = offset,
          .width = Width::dword,
          .writable = kBarUpperAddress,
          .verify = kBarUpperAddress,
          .presence = when};
}

// clang-format off
/// Schema 1, in register order. Each VF BAR after the first has two variants with exclusive
/// presences: `vf_barN` (a BAR of its own) and `vf_barN_upper` (the upper dword of the 64-bit BAR
/// in slot N-1), told apart by the type bits of slot N-1's own-BAR variant.
inline constexpr std::array<Field, 23> kSchema1Fields{{
    // +0x04 SR-IOV Capabilities: the fixed bits identify the capability.
    {.name = "sriov_capability", .offset = 0x04, .width = Width::dword, .must_match = kCapabilityIdentity},
    // +0x08 SR-IOV Control: the five enables; the sequence writes it twice (see sriov_plugin.cpp).
    {.name = "sriov_control", .offset = 0x08, .width = Width::word, .writable = kControlWritable, .verify = kControlWritable},
    // +0x0a SR-IOV Status: VF Migration Status, saved for inspection, never written.
    {.name = "sriov_status", .offset = 0x0a, .width = Width::word, .w1c = kVfMigrationStatus},
    // +0x0c InitialVFs (RO).
    {.name = "initial_vfs", .offset = 0x0c, .width = Width::word},
    // +0x0e TotalVFs (RO): how many VFs the PF can have identifies the capability.
    {.name = "total_vfs", .offset = 0x0e, .width = Width::word, .must_match = 0xffff},
    // +0x10 NumVFs (RW while VF Enable is clear).
    {.name = "num_vfs", .offset = 0x10, .width = Width::word, .writable = 0xffff, .verify = 0xffff},
    // +0x12 Function Dependency Link (RO).
    {.name = "function_dependency_link", .offset = 0x12, .width = Width::byte},
    // +0x14, +0x16 First VF Offset and VF Stride (RO, but they change with NumVFs and ARI Capable
    // Hierarchy, so they are never must-match).
    {.name = "vf_offset", .offset = 0x14, .width = Width::word},
    {.name = "vf_stride", .offset = 0x16, .width = Width::word},
    // +0x1a VF Device ID (RO).
    {.name = "vf_device_id", .offset = 0x1a, .width = Width::word},
    // +0x1c Supported Page Sizes (RO): identifies the capability.
    {.name = "supported_page_sizes", .offset = 0x1c, .width = Width::dword, .must_match = 0xffffffff},
    // +0x20 System Page Size (RW while VF Enable is clear).
    {.name = "system_page_size", .offset = 0x20, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff},
    // +0x24..+0x38 VF BAR0-5: the address bits, as the header's BARs.
    vf_bar("vf_bar0", 0x24, {}),
    vf_bar("vf_bar1", 0x28, {.all_of = {own_bar_after("vf_bar0")}}),
    vf_bar_upper("vf_bar1_upper", 0x28, {.all_of = {upper_of("vf_bar0")}}),
    vf_bar("vf_bar2", 0x2c, {.all_of = {own_bar_after("vf_bar1")}}),
    vf_bar_upper("vf_bar2_upper", 0x2c, {.all_of = {upper_of("vf_bar1")}}),
    vf_bar("vf_bar3", 0x30, {.all_of = {own_bar_after("vf_bar2")}}),
    vf_bar_upper("vf_bar3_upper", 0x30, {.all_of = {upper_of("vf_bar2")}}),
    vf_bar("vf_bar4", 0x34, {.all_of = {own_bar_after("vf_bar3")}}),
    vf_bar_upper("vf_bar4_upper", 0x34, {.all_of = {upper_of("vf_bar3")}}),
    vf_bar("vf_bar5", 0x38, {.all_of = {own_bar_after("vf_bar4")}}),
    vf_bar_upper("vf_bar5_upper", 0x38, {.all_of = {upper_of("vf_bar4")}}),
}};
// clang-format on

/// The VF BAR fields in the order the restore writes them (slot 0 to 5, each slot's one present
/// variant; a 64-bit BAR's low dword before its upper dword, as the kernel writes them).
inline constexpr std::array<std::string_view, 11> kVfBarFields{{
    "vf_bar0",
    "vf_bar1",
    "vf_bar1_upper",
    "vf_bar2",
    "vf_bar2_upper",
    "vf_bar3",
    "vf_bar3_upper",
    "vf_bar4",
    "vf_bar4_upper",
    "vf_bar5",
    "vf_bar5_upper",
}};

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::sriov
