// The vc plugin: Virtual Channel arbitration and resources as data; the kernel's restore order,
// the table load and the VC enables as code.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::vc {

/// Saves and restores VC Arbitration Select, the VC Arbitration Table and every VC's resource
/// control (TC/VC map, port arbitration select, VC ID, enable).
class VcPlugin final : public Plugin {
 public:
  /// Name "vc", extended capabilities 0x0002, 0x0009 and 0x0008 (MFVC), schema 1, phase 230.
  PluginInfo info() const override;
  /// The schema 1 layout from vc_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// Refuses the capability when a resource's read-only capability differs on the device; then,
  /// in pci_restore_vc_state's order: VC Arbitration Select; the VC Arbitration Table (when
  /// saved), its load and the wait for it; per VC its control without Enable, then Enable where
  /// it differs (VC1 and up) and the wait for the negotiation.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::vc
