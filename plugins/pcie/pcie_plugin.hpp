// The pcie plugin: PCI Express capability control registers, described as data, and ASPM
// across a link restored at both ends.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::pcie {

/// Saves and restores the control registers of the PCI Express capability.
class PciePlugin final : public Plugin {
 public:
  /// Name "pcie", standard capability 0x10, schemas 1-2, phase 200.
  PluginInfo info() const override;
  /// Schema 1 and schema 2 layouts from pcie_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// Steps between schemas 1 and 2 from pcie_migrations.hpp.
  std::span<const MigrationStep> migrations() const override;
  /// The layout's fields; with the upstream port in the same restore, ASPM off on both ends of
  /// the link first and the port's ASPM back on last.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::pcie
