// The dpc plugin: DPC Control, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::dpc {

/// Saves and restores the DPC Control register.
class DpcPlugin final : public Plugin {
 public:
  /// Name "dpc", extended capability 0x001d, schema 1, phase 238.
  PluginInfo info() const override;
  /// The schema 1 layout from dpc_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::dpc
