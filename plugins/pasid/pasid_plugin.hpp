// The pasid plugin: PASID Control, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::pasid {

/// Saves and restores the PASID Control register.
class PasidPlugin final : public Plugin {
 public:
  /// Name "pasid", extended capability 0x001b, schema 1, phase 210.
  PluginInfo info() const override;
  /// The schema 1 layout from pasid_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::pasid
