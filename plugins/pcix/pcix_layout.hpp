// Register layout of the PCI-X capability (standard capability 0x07), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::pcix {

/// Capability ID of PCI-X in the standard list.
inline constexpr std::uint16_t kCapabilityId = 0x07;
/// Restore phase: after the header's Command (260), before MSI and MSI-X (300), as
/// pci_restore_state calls pci_restore_pcix_state right after pci_restore_config_space.
inline constexpr std::uint16_t kRestorePhase = 270;

/// PCI-X Command: Data Parity Error Recovery Enable.
inline constexpr std::uint32_t kDataParityRecovery = 0x0001;
/// PCI-X Command: Enable Relaxed Ordering.
inline constexpr std::uint32_t kRelaxedOrdering = 0x0002;
/// PCI-X Command: Maximum Memory Read Byte Count (512 << n).
inline constexpr std::uint32_t kMaxReadByteCount = 0x000c;
/// PCI-X Command: Maximum Outstanding Split Transactions.
inline constexpr std::uint32_t kMaxOutstandingSplit = 0x0070;
/// PCI-X Command: every RW bit.
inline constexpr std::uint32_t kCommandWritable =
    kDataParityRecovery | kRelaxedOrdering | kMaxReadByteCount | kMaxOutstandingSplit;
/// PCI-X Command and bridge Secondary Status: the capability's version (bits 13:12, RO).
inline constexpr std::uint32_t kVersion = 0x3000;
/// Bridge Secondary Status: 64-bit device (0x1) and 133 MHz capable (0x2), RO.
inline constexpr std::uint32_t kBridgeCapable = 0x0003;
/// Bridge Secondary Status: Split Completion Discarded, Unexpected Split Completion, Split
/// Completion Overrun, Split Request Delayed (write-1-to-clear).
inline constexpr std::uint32_t kSecondaryStatusW1c = 0x003c;

/// Header Type bits 6:0 (0x0e): which form of the capability the function has.
inline constexpr Condition header_type(std::uint32_t type) {
  return {.test = Test::equals,
          .source = ValueSource::header_register,
          .offset = 0x0e,
          .width = Width::byte,
          .mask = 0x7f,
          .operand = type};
}

// clang-format off
/// Schema 1: the word at +0x02 in either form. On a type 0 function it is the Command register,
/// restored as the kernel's pci_restore_pcix_state does; on a bridge it is the Secondary Status
/// register, saved for inspection and never written (the kernel writes it back, which would clear
/// its W1C bits).
inline constexpr std::array<Field, 2> kSchema1Fields{{
    {.name = "command", .offset = 0x02, .width = Width::word, .writable = kCommandWritable, .verify = kCommandWritable, .presence = {.all_of = {header_type(0)}}, .must_match = kVersion},
    {.name = "secondary_status", .offset = 0x02, .width = Width::word, .w1c = kSecondaryStatusW1c, .presence = {.all_of = {header_type(1)}}, .must_match = kVersion | kBridgeCapable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::pcix
