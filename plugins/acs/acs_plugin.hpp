// The acs plugin: ACS Control, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::acs {

/// Saves and restores the ACS Control register.
class AcsPlugin final : public Plugin {
 public:
  /// Name "acs", extended capability 0x000d, schema 1, phase 400.
  PluginInfo info() const override;
  /// The schema 1 layout from acs_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::acs
