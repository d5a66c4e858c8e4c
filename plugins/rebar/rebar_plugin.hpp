// The rebar plugin: the BAR Size of every Resizable BAR entry, as data, with a must-match check
// of the entries in code.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::rebar {

/// Saves and restores the BAR Size of each Resizable BAR entry.
class RebarPlugin final : public Plugin {
 public:
  /// Name "rebar", extended capability 0x0015, schema 1, phase 235.
  PluginInfo info() const override;
  /// The schema 1 layout from rebar_layout.hpp.
  std::span<const Layout> layouts() const override;
};

}  // namespace capstate::rebar
