// Register layout of the Downstream Port Containment capability (extended 0x001d), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::dpc {

/// Capability ID of DPC in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x001d;
/// Restore phase: after the PCIe registers (200), before PTM (241) and the header (250), as
/// pci_restore_state calls pci_restore_dpc_state after Resizable BAR and before PTM.
inline constexpr std::uint16_t kRestorePhase = 238;

/// DPC Capability (RO): RP Extensions (0x20), Poisoned TLP Egress Blocking (0x40), Software
/// Triggering (0x80), RP PIO Log Size (0xf00, and 0x2000 as its fifth bit), DL_Active ERR_COR
/// (0x1000). The Interrupt Message Number (0x1f) follows the interrupt mode and is left out.
inline constexpr std::uint32_t kCapabilityIdentity = 0x3fe0;
/// DPC Control: Trigger Enable (bits 1:0; 1 fatal, 2 fatal and non-fatal).
inline constexpr std::uint32_t kTriggerEnable = 0x0003;
/// DPC Control: Completion Control (completions with UR instead of CA while contained).
inline constexpr std::uint32_t kCompletionControl = 0x0004;
/// DPC Control: Interrupt Enable.
inline constexpr std::uint32_t kInterruptEnable = 0x0008;
/// DPC Control: ERR_COR Enable.
inline constexpr std::uint32_t kErrCorEnable = 0x0010;
/// DPC Control: Poisoned TLP Egress Blocking Enable.
inline constexpr std::uint32_t kPoisonedTlpBlocking = 0x0020;
/// DPC Control: Software Trigger; writing 1 triggers containment, reads 0. Never written as 1.
inline constexpr std::uint32_t kSoftwareTrigger = 0x0040;
/// DPC Control: DL_Active ERR_COR Enable.
inline constexpr std::uint32_t kDlActiveErrCor = 0x0080;
/// DPC Control: every enable restored (all but the Software Trigger).
inline constexpr std::uint32_t kControlWritable = kTriggerEnable | kCompletionControl |
                                                  kInterruptEnable | kErrCorEnable |
                                                  kPoisonedTlpBlocking | kDlActiveErrCor;
/// DPC Status: Trigger Status (0x1) and Interrupt Status (0x8), write-1-to-clear and sticky.
inline constexpr std::uint32_t kStatusW1c = 0x0009;

// clang-format off
/// Schema 1: the Capability for the must-match check, Control restored, Status saved for
/// inspection only (never written: its W1C bits would end a containment the kernel handles).
inline constexpr std::array<Field, 3> kSchema1Fields{{
    {.name = "dpc_capability", .offset = 0x04, .width = Width::word, .must_match = kCapabilityIdentity},
    {.name = "dpc_control", .offset = 0x06, .width = Width::word, .writable = kControlWritable, .verify = kControlWritable},
    {.name = "dpc_status", .offset = 0x08, .width = Width::word, .w1c = kStatusW1c},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::dpc
