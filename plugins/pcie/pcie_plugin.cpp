// PluginInfo of the pcie plugin, and ASPM across a link restored at both ends; the registers are
// the data in pcie_layout.hpp.
#include "pcie_plugin.hpp"

#include <algorithm>

#include "pcie_layout.hpp"
#include "pcie_migrations.hpp"

namespace capstate::pcie {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::standard, .id = kCapabilityId}}};
}  // namespace

PluginInfo PciePlugin::info() const {
  return PluginInfo{
      .name = "pcie",
      .version = "1.0.0",
      .summary = "PCI Express capability: device, link, slot and root control registers",
      .claims = kClaims,
      .current_schema = 2,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> PciePlugin::layouts() const {
  return kLayouts;
}

std::span<const MigrationStep> PciePlugin::migrations() const {
  return migration_steps();
}

void PciePlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  // A link restored at both ends (the port was restored just before this function): its power
  // management (L1 PM Substates, phase 150) is programmed with ASPM off on both ends, this
  // function first, and ASPM comes back last, the port first, as pci_restore_aspm_l1ss_state
  // does. This function's own ASPM is its link_control_aspm field (phase 500).
  const SavedField* own = saved_field(ctx, "link_control_aspm");
  const bool link =
      own != nullptr && own->present && ctx.upstream != nullptr &&
      std::any_of(ctx.upstream->fields.begin(), ctx.upstream->fields.end(),
                  [](const SavedField& f) { return f.name == "link_control_aspm" && f.present; });
  if (link) {
    // A function whose Link Control still holds its saved value has not lost its link state
    // (no reset): ASPM is left alone rather than toggled on every restore.
    const std::uint32_t self_now = seq.read_config(kLinkControl, Width::word);
    const std::uint32_t port_now = seq.read_upstream_config(kLinkControl, Width::word);
    const std::uint32_t saved =
        (saved_value(ctx, "link_control") & kLnkCtlWritable) | (own->value & kAspmWritable);
    const bool lost = ((self_now ^ saved) & (kLnkCtlWritable | kAspmWritable)) != 0;
    if (lost && ((self_now | port_now) & kAspmWritable) != 0) {
      seq.write({.name = "link_control_aspm (off for the link)",
                 .offset = kLinkControl,
                 .width = Width::word,
                 .value = self_now & ~kAspmWritable,
                 .verify = 0,
                 .phase = kLinkQuietPhase});
      seq.write({.name = "link_control_aspm (off for the link)",
                 .target = Target::upstream_config,
                 .offset = kLinkControl,
                 .width = Width::word,
                 .value = port_now & ~kAspmWritable,
                 .verify = 0,
                 .phase = kLinkQuietPhase});
      seq.write({.name = "link_control_aspm",
                 .target = Target::upstream_config,
                 .offset = kLinkControl,
                 .width = Width::word,
                 .value = port_now,
                 .verify = kAspmWritable,
                 .phase = kAspmPhase});
    }
  }
  seq.fields(false);
}

}  // namespace capstate::pcie
