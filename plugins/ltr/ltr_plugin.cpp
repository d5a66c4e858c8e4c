// PluginInfo of the ltr plugin; everything else is the data in ltr_layout.hpp.
#include "ltr_plugin.hpp"

#include "ltr_layout.hpp"
#include "ltr_migrations.hpp"

namespace capstate::ltr {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo LtrPlugin::info() const {
  return PluginInfo{
      .name = "ltr",
      .version = "1.0.0",
      .summary = "Latency Tolerance Reporting: max snoop and no-snoop latencies",
      .claims = kClaims,
      .current_schema = 2,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> LtrPlugin::layouts() const {
  return kLayouts;
}

std::span<const MigrationStep> LtrPlugin::migrations() const {
  return migration_steps();
}

}  // namespace capstate::ltr
