// The header plugin: the configuration header's Command, BARs, windows and bus numbers, as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::header {

/// Saves and restores the type 0 and type 1 configuration header; the only code checks saved
/// addresses against the running kernel's assignment before they are written.
class HeaderPlugin final : public Plugin {
 public:
  /// Name "header", the header target, schema 1, phase 250 (Command 260).
  PluginInfo info() const override;
  /// The schema 1 layout from header_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// The fields that differ, in layout order. On a live system (the kernel's resources known),
  /// each BAR, ROM BAR or window about to be written must equal the kernel's assignment: else the
  /// restore is refused (Refusal) or, with bar_mismatch = "kernel", the kernel's is written.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::header
