// PluginInfo of the tph plugin; everything else is the data in tph_layout.hpp.
#include "tph_plugin.hpp"

#include "tph_layout.hpp"

namespace capstate::tph {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo TphPlugin::info() const {
  return PluginInfo{
      .name = "tph",
      .version = "1.0.0",
      .summary = "TPH Requester: ST mode, requester enable and the steering-tag table",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> TphPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::tph
