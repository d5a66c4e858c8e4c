// The aer plugin: error masks, severity and ECRC control as data; the optional status clear as
// code.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::aer {

/// Saves and restores the AER masks, severity, Capabilities and Control and Root Error Command.
class AerPlugin final : public Plugin {
 public:
  /// Name "aer", extended capability 0x0001, schema 1, phase 247, option clear_status.
  PluginInfo info() const override;
  /// The schema 1 layout from aer_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// With clear_status = "true", clears Root Error Status, Correctable and Uncorrectable Error
  /// Status (in the kernel's order) before the fields are written; else the fields alone.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::aer
