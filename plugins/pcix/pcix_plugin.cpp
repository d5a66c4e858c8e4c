// PluginInfo of the pcix plugin; everything else is the data in pcix_layout.hpp.
#include "pcix_plugin.hpp"

#include "pcix_layout.hpp"

namespace capstate::pcix {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::standard, .id = kCapabilityId}}};
}  // namespace

PluginInfo PcixPlugin::info() const {
  return PluginInfo{
      .name = "pcix",
      .version = "1.0.0",
      .summary = "PCI-X: the Command register (parity, ordering, read and split limits)",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PcixPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::pcix
