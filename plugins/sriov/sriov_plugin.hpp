// The sriov plugin: SR-IOV Control, NumVFs, System Page Size and the VF BARs, restored in the
// kernel's order with VF Enable last.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::sriov {

/// Saves and restores SR-IOV; the only code is the order of the restore and its delay.
class SriovPlugin final : public Plugin {
 public:
  /// Name "sriov", extended capability 0x0010, schema 1, phase 450.
  PluginInfo info() const override;
  /// The schema 1 layout from sriov_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// Nothing when the device already has VF Enable set (VFs exist: NumVFs and the VF BARs cannot
  /// change under them). Otherwise: Control with every enable off and ARI Capable Hierarchy as
  /// saved, the VF BARs, System Page Size, NumVFs, then the saved Control, followed by 100 ms when
  /// it sets VF Enable.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::sriov
