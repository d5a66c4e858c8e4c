// Register layout of the configuration header (0x00-0x3f), schema 1: the type 0 (endpoint) and
// type 1 (bridge) forms as variants of one layout, in the order the kernel restores them.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::header {

/// Restore phase of everything but Command: after pcie (200), before msi/msix (300).
inline constexpr std::uint16_t kRestorePhase = 250;
/// Command is written last, once every address is valid: decode and bus mastering come on then.
inline constexpr std::uint16_t kCommandPhase = 260;

/// Command: I/O and memory decode, bus master, parity and SERR# response, INTx Disable (RW).
inline constexpr std::uint32_t kCommandWritable = 0x0547;
/// Status and Secondary Status: the error bits, all write-1-to-clear.
inline constexpr std::uint32_t kStatusErrors = 0xf900;
/// Bridge Control: every RW bit but Secondary Bus Reset (0x40), which would assert a reset.
inline constexpr std::uint32_t kBridgeControlWritable = 0x0b3f;
/// Bridge Control: Discard Timer Status (write-1-to-clear).
inline constexpr std::uint32_t kDiscardTimerStatus = 0x0400;
/// Expansion ROM BAR: address bits 31:11 and the enable bit.
inline constexpr std::uint32_t kRomWritable = 0xfffff801;
/// Memory and prefetchable windows: base and limit bits 15:4 of each half (address 31:20).
inline constexpr std::uint32_t kWindowWritable = 0xfff0fff0;
/// I/O window: base and limit bits 7:4 of each byte (address 15:12).
inline constexpr std::uint32_t kIoWindowWritable = 0xf0f0;
/// How often a BAR that does not read back as written is written again (the kernel's count).
inline constexpr std::uint8_t kBarRetries = 10;

/// Header Type bits 6:0 (0x0e), read from the header itself.
inline constexpr Condition header_type(std::uint32_t type) {
  return {.test = Test::equals,
          .source = ValueSource::header_register,
          .offset = 0x0e,
          .width = Width::byte,
          .mask = 0x7f,
          .operand = type};
}
/// A type 0 (endpoint) header.
inline constexpr Condition kType0 = header_type(0);
/// A type 1 (PCI-to-PCI bridge) header.
inline constexpr Condition kType1 = header_type(1);
/// A type 0 or type 1 header (BAR0 and BAR1 exist in both).
inline constexpr Condition kType0Or1{.test = Test::value_in_set,
                                     .source = ValueSource::header_register,
                                     .offset = 0x0e,
                                     .width = Width::byte,
                                     .mask = 0x7f,
                                     .operand = value_set(0, 1)};

/// A Base Address Register: written whole, as the kernel does (its read-only type bits read back
/// the same on the same device), and written again while it does not stick.
inline constexpr Field bar(std::string_view name, std::uint16_t offset, Condition when) {
  return {.name = name,
          .offset = offset,
          .width = Width::dword,
          .writable = 0xffffffff,
          .verify = 0xffffffff,
          .presence = {.all_of = {when}},
          .retries = kBarRetries};
}

// clang-format off
/// Schema 1, in restore order: from the top of the header down, as the kernel's
/// pci_restore_config_space (so an upper BAR half goes before its lower half), Command last.
inline constexpr std::array<Field, 23> kSchema1Fields{{
    // 0x3c: Interrupt Line, a scratch register firmware and the kernel keep the IRQ in.
    {.name = "interrupt_line", .offset = 0x3c, .width = Width::byte, .writable = 0xff, .verify = 0xff},
    // 0x3e (type 1): Bridge Control; Secondary Bus Reset is never restored.
    {.name = "bridge_control", .offset = 0x3e, .width = Width::word, .writable = kBridgeControlWritable, .w1c = kDiscardTimerStatus, .verify = kBridgeControlWritable, .presence = {.all_of = {kType1}}},
    // 0x38 (type 1) and 0x30 (type 0): the Expansion ROM BAR.
    {.name = "rom_bridge", .offset = 0x38, .width = Width::dword, .writable = kRomWritable, .verify = kRomWritable, .presence = {.all_of = {kType1}}},
    {.name = "rom", .offset = 0x30, .width = Width::dword, .writable = kRomWritable, .verify = kRomWritable, .presence = {.all_of = {kType0}}},
    // 0x30 (type 1): I/O Base and Limit Upper 16 Bits.
    {.name = "io_upper", .offset = 0x30, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kType1}}},
    // 0x2c, 0x28 (type 1): Prefetchable Limit and Base Upper 32 Bits.
    {.name = "prefetchable_limit_upper", .offset = 0x2c, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kType1}}},
    {.name = "prefetchable_base_upper", .offset = 0x28, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kType1}}},
    // 0x24: BAR5 (type 0) or the Prefetchable Memory Base and Limit (type 1).
    bar("bar5", 0x24, kType0),
    {.name = "prefetchable_base_limit", .offset = 0x24, .width = Width::dword, .writable = kWindowWritable, .verify = kWindowWritable, .presence = {.all_of = {kType1}}},
    // 0x20: BAR4 (type 0) or the Memory Base and Limit (type 1).
    bar("bar4", 0x20, kType0),
    {.name = "memory_base_limit", .offset = 0x20, .width = Width::dword, .writable = kWindowWritable, .verify = kWindowWritable, .presence = {.all_of = {kType1}}},
    // 0x1c: BAR3 (type 0) or the I/O Base and Limit and Secondary Status (type 1).
    bar("bar3", 0x1c, kType0),
    {.name = "io_base_limit", .offset = 0x1c, .width = Width::word, .writable = kIoWindowWritable, .verify = kIoWindowWritable, .presence = {.all_of = {kType1}}},
    {.name = "secondary_status", .offset = 0x1e, .width = Width::word, .w1c = kStatusErrors, .presence = {.all_of = {kType1}}},
    // 0x18: BAR2 (type 0) or the bus numbers and Secondary Latency Timer (type 1).
    bar("bar2", 0x18, kType0),
    {.name = "bus_numbers", .offset = 0x18, .width = Width::dword, .writable = 0xffffffff, .verify = 0x00ffffff, .presence = {.all_of = {kType1}}},
    // 0x14, 0x10: BAR1 and BAR0, in both types.
    bar("bar1", 0x14, kType0Or1),
    bar("bar0", 0x10, kType0Or1),
    // 0x0e: Header Type identifies the form; a device that reports another is refused.
    {.name = "header_type", .offset = 0x0e, .width = Width::byte, .must_match = 0x7f},
    // 0x0d, 0x0c: Latency Timer (read-only 0 on PCIe) and Cache Line Size.
    {.name = "latency_timer", .offset = 0x0d, .width = Width::byte, .writable = 0xff},
    {.name = "cache_line_size", .offset = 0x0c, .width = Width::byte, .writable = 0xff, .verify = 0xff},
    // 0x06: Status, saved for inspection; its error bits are write-1-to-clear, never written.
    {.name = "status", .offset = 0x06, .width = Width::word, .w1c = kStatusErrors},
    // 0x04: Command, last: decode and bus mastering once every address and window is valid.
    {.name = "command", .offset = 0x04, .width = Width::word, .writable = kCommandWritable, .verify = kCommandWritable, .phase = kCommandPhase},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::header
