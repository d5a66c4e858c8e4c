// The pcix plugin: the PCI-X Command register, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::pcix {

/// Saves and restores the PCI-X Command register.
class PcixPlugin final : public Plugin {
 public:
  /// Name "pcix", standard capability 0x07, schema 1, phase 270.
  PluginInfo info() const override;
  /// The schema 1 layout from pcix_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::pcix
