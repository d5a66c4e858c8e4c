// PluginInfo of the ptm plugin; everything else is the data in ptm_layout.hpp.
#include "ptm_plugin.hpp"

#include "ptm_layout.hpp"

namespace capstate::ptm {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo PtmPlugin::info() const {
  return PluginInfo{
      .name = "ptm",
      .version = "1.0.0",
      .summary = "Precision Time Measurement: enable, root select, effective granularity",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PtmPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::ptm
