// The pm plugin: the function back in D0 first, then PME_En and Data_Select, as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::pm {

/// Saves and restores Power Management; the only code is the step to D0 and its delay.
class PmPlugin final : public Plugin {
 public:
  /// Name "pm", standard capability 0x01, schema 1, phase 50.
  PluginInfo info() const override;
  /// The schema 1 layout from pm_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// When the function is not in D0: PowerState to D0 (PME_Status written as 0), the delay the
  /// state it leaves needs (D3hot 10 ms, D2 200 us) and, from D3hot without No_Soft_Reset, every
  /// later write made since the function reset itself. Then PMCSR's PME_En and Data_Select.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::pm
