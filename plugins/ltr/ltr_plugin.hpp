// The ltr plugin: LTR maximum latencies, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::ltr {

/// Saves and restores the Max Snoop / Max No-Snoop Latency registers.
class LtrPlugin final : public Plugin {
 public:
  /// Name "ltr", extended capability 0x0018, schemas 1-2, phase 100.
  PluginInfo info() const override;
  /// Schema 1 and schema 2 layouts from ltr_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// Steps between schemas 1 and 2 from ltr_migrations.hpp.
  std::span<const MigrationStep> migrations() const override;
};

}  // namespace capstate::ltr
