// PluginInfo of the dpc plugin; everything else is the data in dpc_layout.hpp.
#include "dpc_plugin.hpp"

#include "dpc_layout.hpp"

namespace capstate::dpc {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo DpcPlugin::info() const {
  return PluginInfo{
      .name = "dpc",
      .version = "1.0.0",
      .summary = "Downstream Port Containment: the DPC Control enables",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> DpcPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::dpc
