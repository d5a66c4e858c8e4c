// PluginInfo of the pasid plugin; everything else is the data in pasid_layout.hpp.
#include "pasid_plugin.hpp"

#include "pasid_layout.hpp"

namespace capstate::pasid {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo PasidPlugin::info() const {
  return PluginInfo{
      .name = "pasid",
      .version = "1.0.0",
      .summary = "Process Address Space ID: the PASID, Execute and Privileged Mode enables",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PasidPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::pasid
