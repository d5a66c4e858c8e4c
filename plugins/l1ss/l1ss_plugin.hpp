// The l1ss plugin: L1 PM Substates thresholds and enables, L1.2 kept off until both link ends can
// be programmed together.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::l1ss {

/// Saves L1 PM Substates Control 1 and 2; restores them with the L1.2 enables off.
class L1ssPlugin final : public Plugin {
 public:
  /// Name "l1ss", extended capability 0x001e, schema 1, phase 150.
  PluginInfo info() const override;
  /// The schema 1 layout from l1ss_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// When Control 1 or 2 differ from the saved values: L1.2 enables off first, Control 2, then
  /// Control 1 without the L1.2 enables, and a note when saved L1.2 enables stay off.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::l1ss
