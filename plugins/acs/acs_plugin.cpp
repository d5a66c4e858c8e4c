// PluginInfo of the acs plugin; everything else is the data in acs_layout.hpp.
#include "acs_plugin.hpp"

#include "acs_layout.hpp"

namespace capstate::acs {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo AcsPlugin::info() const {
  return PluginInfo{
      .name = "acs",
      .version = "1.0.0",
      .summary = "Access Control Services: the ACS Control enables",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> AcsPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::acs
