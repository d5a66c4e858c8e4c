// Register layout of the Access Control Services capability (extended 0x000d), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::acs {

/// Capability ID of ACS in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x000d;
/// Restore phase: after MSI and MSI-X (300, 310), before ASPM (500), as pci_restore_state calls
/// pci_enable_acs after the interrupt state.
inline constexpr std::uint16_t kRestorePhase = 400;

/// ACS Capability (RO): Source Validation, Translation Blocking, P2P Request Redirect, P2P
/// Completion Redirect, Upstream Forwarding, P2P Egress Control, Direct Translated P2P (bits
/// 6:0), ACS Enhanced Capability (bit 7) and the Egress Control Vector Size (bits 15:8). The
/// whole register identifies the capability.
inline constexpr std::uint32_t kCapabilityIdentity = 0xffff;
/// ACS Control: the enables of the seven controls, at the capability bits' positions (RW).
inline constexpr std::uint32_t kControlWritable = 0x007f;
/// ACS Control: Source Validation Enable.
inline constexpr std::uint32_t kSourceValidation = 0x0001;
/// ACS Control: P2P Request Redirect Enable.
inline constexpr std::uint32_t kRequestRedirect = 0x0004;
/// ACS Control: P2P Completion Redirect Enable.
inline constexpr std::uint32_t kCompletionRedirect = 0x0008;
/// ACS Control: Upstream Forwarding Enable.
inline constexpr std::uint32_t kUpstreamForwarding = 0x0010;

// clang-format off
/// Schema 1: the Capability register for the must-match check, the Control register restored.
inline constexpr std::array<Field, 2> kSchema1Fields{{
    {.name = "acs_capability", .offset = 0x04, .width = Width::word, .must_match = kCapabilityIdentity},
    {.name = "acs_control", .offset = 0x06, .width = Width::word, .writable = kControlWritable, .verify = kControlWritable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::acs
