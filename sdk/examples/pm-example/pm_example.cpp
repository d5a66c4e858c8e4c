// The "pm-example" plugin: a minimal example of a pure-data plugin for the PCI Power Management
// capability (standard ID 0x01). Everything it does is data: one layout, schema 1. Build it out of
// tree (see README.md). The real PM plugin is capstate's in-tree plugin "pm" (plugins/pm); both
// claim standard:0x01, so loading them together is a claim conflict (see README.md).
#include <array>
#include <cstdint>
#include <span>

#include "capstate/sdk/sdk.hpp"

namespace pm_example {

/// Standard capability ID of PCI Power Management.
inline constexpr std::uint16_t kPmCapabilityId = 0x01;

/// PMCSR bits 1:0, PowerState: D0 = 0, D1 = 1, D2 = 2, D3hot = 3.
inline constexpr std::uint32_t kPowerState = 0x0003;
/// PMCSR bit 8, PME_En: the function may assert PME#.
inline constexpr std::uint32_t kPmeEnable = 0x0100;
/// PMCSR bit 15, PME_Status: set by hardware, cleared by writing 1.
inline constexpr std::uint32_t kPmeStatus = 0x8000;

/// Restore order: before the other capabilities, because leaving D3hot for D0 may reset the
/// function's registers (when PMCSR No_Soft_Reset is 0).
inline constexpr std::uint16_t kRestorePhase = 50;

inline constexpr std::array<capstate::Claim, 1> kClaims{
    {{.kind = capstate::CapKind::standard, .id = kPmCapabilityId}}};

// Schema 1: PMC (read-only, kept for inspect and diff) and PMCSR.
inline constexpr std::array<capstate::Field, 2> kFieldsV1{{
    {.name = "pmc", .offset = 0x02, .width = capstate::Width::word},
    {.name = "pmcsr",
     .offset = 0x04,
     .width = capstate::Width::word,
     .writable = kPowerState | kPmeEnable,
     .w1c = kPmeStatus,
     .verify = kPowerState},
}};

inline constexpr std::array<capstate::Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = capstate::Encoding::all_fields, .fields = kFieldsV1},
}};

/// Declares the pm-example plugin; the host's generic engine saves and restores its fields.
class PmExamplePlugin final : public capstate::Plugin {
 public:
  capstate::PluginInfo info() const override {
    return capstate::PluginInfo{
        .name = "pm-example",
        .version = "1.0.0",
        .summary = "PCI Power Management: pure-data SDK example; the real plugin is pm",
        .claims = kClaims,
        .current_schema = 1,
        .oldest_schema = 1,
        .restore_phase = kRestorePhase,
        .needs_bar_access = false,
    };
  }

  std::span<const capstate::Layout> layouts() const override { return kLayouts; }
};

}  // namespace pm_example

CAPSTATE_PLUGIN(pm_example::PmExamplePlugin)
