// The ptm plugin: PTM Control, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::ptm {

/// Saves and restores the PTM Control register.
class PtmPlugin final : public Plugin {
 public:
  /// Name "ptm", extended capability 0x001f, schema 1, phase 241.
  PluginInfo info() const override;
  /// The schema 1 layout from ptm_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::ptm
