// PluginInfo of the rebar plugin; everything else is the data in rebar_layout.hpp (the engine
// checks the entries' must-match bits before any write).
#include "rebar_plugin.hpp"

#include "rebar_layout.hpp"

namespace capstate::rebar {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo RebarPlugin::info() const {
  return PluginInfo{
      .name = "rebar",
      .version = "1.0.0",
      .summary = "Resizable BAR: the BAR Size of every entry, written before the BAR addresses",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> RebarPlugin::layouts() const {
  return kLayouts;
}

}  // namespace capstate::rebar
