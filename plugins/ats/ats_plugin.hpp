// The ats plugin: ATS Control, described entirely as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::ats {

/// Saves and restores the ATS Control register.
class AtsPlugin final : public Plugin {
 public:
  /// Name "ats", extended capability 0x000f, schema 1, phase 220.
  PluginInfo info() const override;
  /// The schema 1 layout from ats_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::ats
