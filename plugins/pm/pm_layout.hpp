// Register layout of the PCI Power Management capability (standard capability 0x01), schema 1.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::pm {

/// Capability ID of Power Management in the standard list.
inline constexpr std::uint16_t kCapabilityId = 0x01;
/// Restore phase: first of all, since leaving D3hot may reset the function's other registers.
inline constexpr std::uint16_t kRestorePhase = 50;

/// PMC: Version (bits 2:0), D1 and D2 support; read-only, they identify the capability.
inline constexpr std::uint32_t kPmcIdentity = 0x0607;
/// PMCSR: PowerState, D0 = 0 ... D3hot = 3 (RW); only ever written to D0.
inline constexpr std::uint32_t kPowerState = 0x0003;
/// PMCSR: No_Soft_Reset, set when D3hot to D0 keeps the function's state (RO).
inline constexpr std::uint32_t kNoSoftReset = 0x0008;
/// PMCSR: PME_En (RW, sticky).
inline constexpr std::uint32_t kPmeEnable = 0x0100;
/// PMCSR: Data_Select (RW), which value the Data register shows.
inline constexpr std::uint32_t kDataSelect = 0x1e00;
/// PMCSR: PME_Status (write-1-to-clear, sticky): never written as 1.
inline constexpr std::uint32_t kPmeStatus = 0x8000;
/// Microseconds from D3hot to D0 before the function may be accessed (PCI PM: 10 ms).
inline constexpr std::uint32_t kD3hotDelayUs = 10'000;
/// Microseconds from D2 to D0 (PCI PM: 200 us).
inline constexpr std::uint32_t kD2DelayUs = 200;

// clang-format off
/// Schema 1: PMC for the must-match check, PMCSR with PME_En and Data_Select restored. The power
/// state is saved for inspection but not restored: the function is brought to D0 (transient
/// bits of the step that does it), as the kernel brings a device up before restoring it.
inline constexpr std::array<Field, 2> kSchema1Fields{{
    {.name = "pmc", .offset = 0x02, .width = Width::word, .must_match = kPmcIdentity},
    {.name = "pmcsr", .offset = 0x04, .width = Width::word, .writable = kPmeEnable | kDataSelect, .w1c = kPmeStatus, .verify = kPmeEnable | kDataSelect, .transient = kPowerState},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::pm
