// Register layouts of the PCI Express capability (standard capability 0x10), schemas 1 and 2.
#pragma once

#include <array>

#include "capstate/sdk/layout.hpp"

namespace capstate::pcie {

/// Capability ID of the PCI Express capability in the standard list.
inline constexpr std::uint16_t kCapabilityId = 0x10;
/// Restore phase of the plugin (after LTR's max latencies, before MSI-X).
inline constexpr std::uint16_t kRestorePhase = 200;
/// Restore phase of the ASPM control bits: last, after LTR and everything else is in place.
inline constexpr std::uint16_t kAspmPhase = 500;
/// Restore phase in which ASPM is turned off on both ends of a link restored together: after
/// LTR (100), before L1 PM Substates (150), as pci_restore_aspm_l1ss_state does.
inline constexpr std::uint16_t kLinkQuietPhase = 140;
/// Offset of Link Control from the capability start.
inline constexpr std::uint16_t kLinkControl = 0x10;

/// Offset of the PCI Express Capabilities (Flags) register: version 0x000f, type 0x00f0, slot
/// 0x0100.
inline constexpr std::uint16_t kFlags = 0x02;

/// Device/port types that have the link registers: 0,1 endpoints, 4 root port, 5/6 switch
/// ports, 7/8 bridges (not 9 RC integrated endpoint, not 0xa RC event collector).
inline constexpr Condition kHasLink{.test = Test::value_in_set,
                                    .offset = kFlags,
                                    .width = Width::word,
                                    .mask = 0x00f0,
                                    .shift = 4,
                                    .operand = value_set(0, 1, 4, 5, 6, 7, 8)};
/// Downstream ports (root port 4, switch downstream port 6, PCI-to-PCIe bridge 8).
inline constexpr Condition kDownstreamPort{.test = Test::value_in_set,
                                           .offset = kFlags,
                                           .width = Width::word,
                                           .mask = 0x00f0,
                                           .shift = 4,
                                           .operand = value_set(4, 6, 8)};
/// Flags "slot implemented" bit.
inline constexpr Condition kSlotImplemented{
    .test = Test::any_bit_set, .offset = kFlags, .width = Width::word, .mask = 0x0100};
/// Root port (4) or root complex event collector (0xa).
inline constexpr Condition kRootControl{.test = Test::value_in_set,
                                        .offset = kFlags,
                                        .width = Width::word,
                                        .mask = 0x00f0,
                                        .shift = 4,
                                        .operand = value_set(4, 0xa)};
/// Capability version 2 or later (the "2" registers exist).
inline constexpr Condition kVersion2{.test = Test::value_at_least,
                                     .offset = kFlags,
                                     .width = Width::word,
                                     .mask = 0x000f,
                                     .operand = 2};
/// Never present (Slot Control 2: no bits defined, the kernel saves 0 and never writes it).
inline constexpr Condition kNever{.test = Test::never};

/// Presence from up to two conditions.
constexpr Presence when(Condition a, Condition b = {}) {
  return Presence{.all_of = {a, b, {}}};
}

// Writable masks (README "Registers and access" gives the bit-by-bit reasons):
/// Device Control: every bit except 0x8000 Initiate FLR / Bridge Configuration Retry.
inline constexpr std::uint32_t kDevCtlWritable = 0x7fff;
/// Link Control without ASPM 0x0003, Link Disable 0x0010, Retrain Link 0x0020.
inline constexpr std::uint32_t kLnkCtlWritable = 0x0fc8;
/// Link Control ASPM Control (L0s 0x0001, L1 0x0002).
inline constexpr std::uint32_t kAspmWritable = 0x0003;
/// Slot Control: bits 0-14 except 0x0800 Electromechanical Interlock Control (a toggle).
inline constexpr std::uint32_t kSltCtlWritable = 0x77ff;
/// Root Control: SECEE, SENFEE, SEFEE, PMEIE, CRSSVE.
inline constexpr std::uint32_t kRtCtlWritable = 0x001f;
/// Device Control 2: every bit except 0x0800 Emergency Power Reduction Request.
inline constexpr std::uint32_t kDevCtl2Writable = 0xf7ff;
/// Link Control 2: Target Link Speed 0x000f and Hardware Autonomous Speed Disable 0x0020 only.
inline constexpr std::uint32_t kLnkCtl2Writable = 0x002f;

// clang-format off
/// Schema 1: the kernel's seven saved words, every one stored (absent ones as 0).
inline constexpr std::array<Field, 7> kSchema1Fields{{
    // Device Control: present on every function.
    {.name = "device_control", .offset = 0x08, .width = Width::word, .writable = kDevCtlWritable, .verify = kDevCtlWritable},
    // Link Control, ASPM bits included (restored in the plugin's phase, as the kernel does).
    {.name = "link_control", .offset = 0x10, .width = Width::word, .writable = kLnkCtlWritable | kAspmWritable, .verify = kLnkCtlWritable | kAspmWritable, .presence = when(kHasLink)},
    // Slot Control: downstream ports that implement a slot.
    {.name = "slot_control", .offset = 0x18, .width = Width::word, .writable = kSltCtlWritable, .verify = kSltCtlWritable, .presence = when(kDownstreamPort, kSlotImplemented)},
    // Root Control: root ports and event collectors.
    {.name = "root_control", .offset = 0x1c, .width = Width::word, .writable = kRtCtlWritable, .verify = kRtCtlWritable, .presence = when(kRootControl)},
    // Device Control 2: capability version 2 and later.
    {.name = "device_control2", .offset = 0x28, .width = Width::word, .writable = kDevCtl2Writable, .verify = kDevCtl2Writable, .presence = when(kVersion2)},
    // Link Control 2: functions with a link, capability version 2 and later.
    {.name = "link_control2", .offset = 0x30, .width = Width::word, .writable = kLnkCtl2Writable, .verify = kLnkCtl2Writable, .presence = when(kHasLink, kVersion2)},
    // Slot Control 2: never read, always stored as 0, never written.
    {.name = "slot_control2", .offset = 0x38, .width = Width::word, .presence = when(kNever)},
}};

/// Schema 2: only present registers; ASPM control split off and restored last.
inline constexpr std::array<Field, 7> kSchema2Fields{{
    // Device Control: present on every function.
    {.name = "device_control", .offset = 0x08, .width = Width::word, .writable = kDevCtlWritable, .verify = kDevCtlWritable},
    // Link Control without ASPM control.
    {.name = "link_control", .offset = 0x10, .width = Width::word, .writable = kLnkCtlWritable, .verify = kLnkCtlWritable, .presence = when(kHasLink)},
    // Link Control ASPM control bits, same register, restored after LTR and L1 substates.
    {.name = "link_control_aspm", .offset = 0x10, .width = Width::word, .writable = kAspmWritable, .verify = kAspmWritable, .presence = when(kHasLink), .phase = kAspmPhase},
    // Slot Control: downstream ports that implement a slot.
    {.name = "slot_control", .offset = 0x18, .width = Width::word, .writable = kSltCtlWritable, .verify = kSltCtlWritable, .presence = when(kDownstreamPort, kSlotImplemented)},
    // Root Control: root ports and event collectors.
    {.name = "root_control", .offset = 0x1c, .width = Width::word, .writable = kRtCtlWritable, .verify = kRtCtlWritable, .presence = when(kRootControl)},
    // Device Control 2: capability version 2 and later.
    {.name = "device_control2", .offset = 0x28, .width = Width::word, .writable = kDevCtl2Writable, .verify = kDevCtl2Writable, .presence = when(kVersion2)},
    // Link Control 2: functions with a link, capability version 2 and later.
    {.name = "link_control2", .offset = 0x30, .width = Width::word, .writable = kLnkCtl2Writable, .verify = kLnkCtl2Writable, .presence = when(kHasLink, kVersion2)},
}};

// clang-format on

/// Both layouts, oldest first.
inline constexpr std::array<Layout, 2> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kSchema1Fields},
    {.schema_version = 2, .encoding = Encoding::present_fields, .fields = kSchema2Fields},
}};

}  // namespace capstate::pcie
