// Register layout of the Advanced Error Reporting capability (extended 0x0001), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::aer {

/// Capability ID of AER in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x0001;
/// Restore phase: after TPH (244), before the header (250), as pci_restore_state restores AER
/// just before the configuration header.
inline constexpr std::uint16_t kRestorePhase = 247;

/// Uncorrectable and Correctable Error Status: every defined bit is write-1-to-clear (RW1CS).
inline constexpr std::uint32_t kStatusW1c = 0xffffffff;
/// Masks and severity: the kernel writes them whole; bits of errors a function does not
/// implement read as 0 and stay 0.
inline constexpr std::uint32_t kWholeRegister = 0xffffffff;
/// Capabilities and Control: ECRC Generation Enable (bit 6), ECRC Check Enable (bit 8) and
/// Multiple Header Recording Enable (bit 10) are RW.
inline constexpr std::uint32_t kControlWritable = 0x00000540;
/// Capabilities and Control: ECRC Generation Capable (bit 5), ECRC Check Capable (bit 7),
/// Multiple Header Recording Capable (bit 9), TLP Prefix Log Present (bit 11) and Completion
/// Timeout Prefix/Header Log Capable (bit 12): what the function can do identifies it.
inline constexpr std::uint32_t kControlIdentity = 0x00001aa0;
/// Root Error Command (root ports): Correctable, Non-Fatal and Fatal Error Reporting Enable.
inline constexpr std::uint32_t kRootCommandWritable = 0x00000007;
/// Root Error Status (root ports): the seven status bits are RW1C; bits 31:27 (the interrupt
/// message number) are RO.
inline constexpr std::uint32_t kRootStatusW1c = 0x0000007f;

/// Device/Port Type values (PCI Express Capabilities register bits 7:4) of the functions that
/// implement Root Error Command and Status: Root Port (4) and Root Complex Event Collector (10).
inline constexpr std::uint32_t kRootPortTypes = value_set(4, 10);
/// Where the root registers exist: the function's PCI Express capability (standard ID 0x10) says
/// it is a root port or an event collector, as the kernel's pcie_cap_has_rtctl asks.
inline constexpr Presence kRootPortRegisters{{Condition{
    .test = Test::value_in_set,
    .source = ValueSource::standard_capability_register,
    .offset = 0x02,
    .width = Width::word,
    .mask = 0x00f0,
    .shift = 4,
    .operand = kRootPortTypes,
    .capability_id = 0x10,
}}};

// clang-format off
/// Schema 1: the registers pci_save_aer_state keeps, written back in its order (uncorrectable
/// mask, severity, correctable mask, capabilities and control, root command), and the three
/// status registers saved for reference and for the optional clear, never written back.
inline constexpr std::array<Field, 8> kSchema1Fields{{
    {.name = "uncorrectable_status", .offset = 0x04, .width = Width::dword, .w1c = kStatusW1c},
    {.name = "uncorrectable_mask", .offset = 0x08, .width = Width::dword, .writable = kWholeRegister, .verify = kWholeRegister},
    {.name = "uncorrectable_severity", .offset = 0x0c, .width = Width::dword, .writable = kWholeRegister, .verify = kWholeRegister},
    {.name = "correctable_status", .offset = 0x10, .width = Width::dword, .w1c = kStatusW1c},
    {.name = "correctable_mask", .offset = 0x14, .width = Width::dword, .writable = kWholeRegister, .verify = kWholeRegister},
    {.name = "capabilities_control", .offset = 0x18, .width = Width::dword, .writable = kControlWritable, .verify = kControlWritable, .must_match = kControlIdentity},
    {.name = "root_command", .offset = 0x2c, .width = Width::dword, .writable = kRootCommandWritable, .verify = kRootCommandWritable, .presence = kRootPortRegisters},
    {.name = "root_status", .offset = 0x30, .width = Width::dword, .w1c = kRootStatusW1c, .presence = kRootPortRegisters},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::aer
