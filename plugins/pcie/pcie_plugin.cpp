// PluginInfo of the pcie plugin; everything else is the data in pcie_layout.hpp.
#include "pcie_plugin.hpp"

#include "pcie_layout.hpp"
#include "pcie_migrations.hpp"

namespace capstate::pcie {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::standard, .id = kCapabilityId}}};
}  // namespace

PluginInfo PciePlugin::info() const {
  return PluginInfo{
      .name = "pcie",
      .version = "1.0.0",
      .summary = "PCI Express capability: device, link, slot and root control registers",
      .claims = kClaims,
      .current_schema = 2,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PciePlugin::layouts() const {
  return kLayouts;
}

std::span<const MigrationStep> PciePlugin::migrations() const {
  return migration_steps();
}

}  // namespace capstate::pcie
