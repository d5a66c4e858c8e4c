// Register layouts of the Latency Tolerance Reporting capability (extended 0x0018), schemas 1-2.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::ltr {

/// Capability ID of LTR in the extended list.
inline constexpr std::uint16_t kCapabilityId = 0x0018;
/// Restore phase: first, so the latencies are in place before DEVCTL2 LTR enable (pcie, 200).
inline constexpr std::uint16_t kRestorePhase = 100;
/// One latency register: Value bits 9:0 and Scale bits 12:10 (15:13 reserved).
inline constexpr std::uint32_t kLatencyBits = 0x1fff;

// clang-format off
/// Schema 1: the two latency registers as two 16-bit accesses (kernel before Dec 2021).
inline constexpr std::array<Field, 2> kSchema1Fields{{
    // Max Snoop Latency: value and scale.
    {.name = "max_snoop_latency", .offset = 0x04, .width = Width::word, .writable = kLatencyBits, .verify = kLatencyBits},
    // Max No-Snoop Latency: value and scale.
    {.name = "max_no_snoop_latency", .offset = 0x06, .width = Width::word, .writable = kLatencyBits, .verify = kLatencyBits},
}};

/// Schema 2: both registers as one 32-bit access (devices that accept only dword access).
inline constexpr std::array<Field, 1> kSchema2Fields{{
    // Max Snoop Latency (bits 15:0) and Max No-Snoop Latency (bits 31:16).
    {.name = "max_latencies", .offset = 0x04, .width = Width::dword, .writable = kLatencyBits | (kLatencyBits << 16), .verify = kLatencyBits | (kLatencyBits << 16)},
}};
// clang-format on

/// Both layouts, oldest first.
inline constexpr std::array<Layout, 2> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kSchema1Fields},
    {.schema_version = 2, .encoding = Encoding::present_fields, .fields = kSchema2Fields},
}};

}  // namespace capstate::ltr
