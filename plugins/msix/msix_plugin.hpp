// The msix plugin: MSI-X Message Control, Table Offset/BIR and the vector table, all as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::msix {

/// Saves MSI-X control and, when BAR memory is reachable, the whole vector table (an array).
class MsixPlugin final : public Plugin {
 public:
  /// Name "msix", standard capability 0x11, schemas 1-2, phase 300, needs BAR access.
  PluginInfo info() const override;
  /// Schema 1 and schema 2 layouts from msix_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// Steps between schemas 1 and 2 from msix_migrations.hpp.
  std::span<const MigrationStep> migrations() const override;
  /// With a saved table that differs on a reachable device: mask all vectors, rewrite the table
  /// entries that differ, then restore Message Control. Otherwise Message Control only.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::msix
