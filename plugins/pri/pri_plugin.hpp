// The pri plugin: PRI Control and the request allocation, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::pri {

/// Saves and restores the Outstanding Page Request Allocation and the PRI Enable.
class PriPlugin final : public Plugin {
 public:
  /// Name "pri", extended capability 0x0013, schema 1, phase 215.
  PluginInfo info() const override;
  /// The schema 1 layout from pri_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::pri
