// The pm plugin's code: leaving a low-power state before anything else is written.
#include "pm_plugin.hpp"

#include "pm_layout.hpp"

namespace capstate::pm {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::standard, .id = kCapabilityId}}};
constexpr std::uint32_t kD2 = 2;
constexpr std::uint32_t kD3hot = 3;
}  // namespace

PluginInfo PmPlugin::info() const {
  return PluginInfo{
      .name = "pm",
      .version = "1.0.0",
      .summary = "PCI Power Management: back to D0 first, PME enable and data select",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PmPlugin::layouts() const {
  return kLayouts;
}

void PmPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  (void)ctx;
  const std::uint32_t pmcsr = seq.read_config(0x04, Width::word);
  const std::uint32_t state = pmcsr & kPowerState;
  if (state != 0) {
    seq.write({.name = "pmcsr (to D0)",
               .offset = 0x04,
               .width = Width::word,
               .value = pmcsr & ~kPowerState & ~kPmeStatus,
               .verify = kPowerState});
    if (state == kD3hot) {
      seq.delay(kD3hotDelayUs);
      if ((pmcsr & kNoSoftReset) == 0) {
        seq.resets_function();
      }
    } else if (state == kD2) {
      seq.delay(kD2DelayUs);
    }
  }
  seq.fields(false);
}

}  // namespace capstate::pm
