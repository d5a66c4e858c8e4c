// The l1ss plugin's code: the kernel's L1 PM Substates order on one end of the link.
#include "l1ss_plugin.hpp"

#include "l1ss_layout.hpp"

namespace capstate::l1ss {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo L1ssPlugin::info() const {
  return PluginInfo{
      .name = "l1ss",
      .version = "1.0.0",
      .summary = "L1 PM Substates: thresholds, T_POWER_ON and L1.1 enables (L1.2 left off)",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> L1ssPlugin::layouts() const {
  return kLayouts;
}

void L1ssPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  const std::uint32_t control1_now = seq.read_config(kControl1Offset, Width::dword);
  const std::uint32_t control2_now = seq.read_config(kControl2Offset, Width::dword);
  const std::uint32_t control1 = saved_value(ctx, "l1ss_control1");
  const std::uint32_t control2 = saved_value(ctx, "l1ss_control2");
  if (((control1_now ^ control1) & kControl1Writable) == 0 &&
      ((control2_now ^ control2) & kControl2Writable) == 0) {
    return;  // as saved: nothing to program, and the L1.2 enables stay as they are
  }
  // pci_restore_aspm_l1ss_state: the L1.2 enables off before the timing is changed, Control 2
  // before Control 1, and L1.2 enabled again only once both ends of the link hold their values.
  // Programming the upstream port in the same sequence needs the restore to order and reach
  // both ends of the link; until it does, this end never turns L1.2 on where it was off (a link
  // in L1.2 with mismatched T_POWER_ON or thresholds may fail to wake), and the note says so. An
  // L1.2 enable that was on, and was saved on, is turned off around the change and on again: the
  // link was in that state before.
  const std::uint32_t kept = control1 & control1_now & kL12Enables;
  if ((control1_now & kL12Enables) != 0) {
    seq.write({.name = "l1ss_control1 (L1.2 off)",
               .offset = kControl1Offset,
               .width = Width::dword,
               .value = control1_now & ~kL12Enables,
               .verify = 0});
  }
  seq.field("l1ss_control2", false);
  seq.write({.name = "l1ss_control1",
             .offset = kControl1Offset,
             .width = Width::dword,
             .value = (control1_now & ~kControl1Writable) |
                      (control1 & kControl1Writable & ~kL12Enables) | kept,
             .verify = kControl1Writable & ~(kL12Enables & ~kept)});
  if ((control1 & kL12Enables & ~kept) != 0) {
    seq.note(
        "the saved L1.2 enables (PCI-PM and ASPM L1.2) that are off now stay off: capstate "
        "does not yet program both ends of the link together, which turning L1.2 on needs "
        "(the kernel's pci_restore_aspm_l1ss_state); the link uses L1.1 at most until the "
        "kernel or 'setpci' enables L1.2");
  }
}

}  // namespace capstate::l1ss
