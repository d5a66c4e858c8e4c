// The msix plugin's code: only the order of the table restore, which data cannot say.
#include "msix_plugin.hpp"

#include "msix_layout.hpp"
#include "msix_migrations.hpp"

namespace capstate::msix {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::standard, .id = kCapabilityId}}};
}  // namespace

PluginInfo MsixPlugin::info() const {
  return PluginInfo{
      .name = "msix",
      .version = "1.1.0",
      .summary = "MSI-X: message control, table location and the vector table in BAR memory",
      .claims = kClaims,
      .current_schema = 2,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = true,
  };
}

std::span<const Layout> MsixPlugin::layouts() const {
  return kLayouts;
}

std::span<const MigrationStep> MsixPlugin::migrations() const {
  return migration_steps();
}

void MsixPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  const bool table_saved = !ctx.arrays.empty() && ctx.arrays.front().saved;
  // Never write a table that was not saved or cannot be reached; an intact table needs no
  // masking sequence.
  if (!table_saved || !ctx.has_bar_access || !seq.arrays_differ()) {
    seq.fields(false);
    return;
  }
  // Function Mask first, so no vector fires while its address and data are half written.
  const std::uint32_t control_now = seq.read_config(0x02, Width::word);
  seq.write({.name = "message_control (mask all)",
             .offset = 0x02,
             .width = Width::word,
             .value = control_now | kEnable | kMaskAll,
             .verify = 0,
             .always = true});
  seq.arrays(false);  // the table dwords that differ
  seq.fields(true);   // Message Control back to its saved Enable and Function Mask
}

}  // namespace capstate::msix
