// PluginInfo of the pri plugin; everything else is the data in pri_layout.hpp.
#include "pri_plugin.hpp"

#include "pri_layout.hpp"

namespace capstate::pri {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo PriPlugin::info() const {
  return PluginInfo{
      .name = "pri",
      .version = "1.0.0",
      .summary = "Page Request Interface: the request allocation, then the PRI Enable",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PriPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::pri
