// The tph plugin: TPH Requester Control and the steering-tag table, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::tph {

/// Saves and restores the TPH Requester; the default restore (Control, then the table entries
/// that differ) is the kernel's order.
class TphPlugin final : public Plugin {
 public:
  /// Name "tph", extended capability 0x0017, schema 1, phase 244.
  PluginInfo info() const override;
  /// The schema 1 layout from tph_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::tph
