// PluginInfo of the ats plugin; everything else is the data in ats_layout.hpp.
#include "ats_plugin.hpp"

#include "ats_layout.hpp"

namespace capstate::ats {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo AtsPlugin::info() const {
  return PluginInfo{
      .name = "ats",
      .version = "1.0.0",
      .summary = "Address Translation Services: the ATS Enable and Smallest Translation Unit",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> AtsPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::ats
