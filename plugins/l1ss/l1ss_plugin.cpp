// The l1ss plugin's code: the kernel's L1 PM Substates order, on both ends of the link.
#include "l1ss_plugin.hpp"

#include <span>
#include <string>
#include <utility>

#include "l1ss_layout.hpp"

namespace capstate::l1ss {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
}  // namespace

PluginInfo L1ssPlugin::info() const {
  return PluginInfo{
      .name = "l1ss",
      .version = "1.0.0",
      .summary = "L1 PM Substates: thresholds, T_POWER_ON and enables, on both ends of the link",
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

namespace {

// One end of the link, alone (the other end is not in the restore, or programs the link itself):
// as pci_restore_aspm_l1ss_state on one end, but never turning an L1.2 enable on where it is off.
void restore_one_end(const RestoreContext& ctx, RestoreSequence& seq) {
  const std::uint32_t control1_now = seq.read_config(kControl1Offset, Width::dword);
  const std::uint32_t control2_now = seq.read_config(kControl2Offset, Width::dword);
  const std::uint32_t control1 = saved_value(ctx, "l1ss_control1");
  const std::uint32_t control2 = saved_value(ctx, "l1ss_control2");
  if (((control1_now ^ control1) & kControl1Writable) == 0 &&
      ((control2_now ^ control2) & kControl2Writable) == 0) {
    return;  // as saved: nothing to program, and the L1.2 enables stay as they are
  }
  // L1.2 needs both ends to agree on T_POWER_ON and the threshold; a link in L1.2 with
  // mismatched values may fail to wake. Alone, this end turns an L1.2 enable on only where it
  // was on before (and saved on): the link was in that state already.
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
  if ((control1 & kL12Enables & ~kept) != 0 && !ctx.downstream_restored) {
    seq.note(
        "the saved L1.2 enables (PCI-PM and ASPM L1.2) that are off now stay off: the other end "
        "of the link is not in this restore, and L1.2 is turned on only with both ends "
        "programmed together (the kernel's pci_restore_aspm_l1ss_state). Restore the upstream "
        "port and the device below it from one state file, or let the kernel enable L1.2");
  }
}

// A Control 1 or Control 2 write of `value` over `now` within `writable`, on this function or on
// the upstream port.
WriteRequest control_write(std::string name, Target target, std::uint16_t offset, std::uint32_t now,
                           std::uint32_t value, std::uint32_t writable, std::uint32_t verify) {
  return {.name = std::move(name),
          .target = target,
          .offset = offset,
          .width = Width::dword,
          .value = (now & ~writable) | (value & writable),
          .verify = verify};
}

// Both ends of the link, from the function below the port (ctx.upstream is the port's record),
// in pci_restore_aspm_l1ss_state's order: the L1.2 enables off on the function, then on the
// port; Control 2 of the port, then of the function; Control 1 of both without the L1.2
// enables; then the enables, port first. ASPM is off on both ends meanwhile (the pcie plugin
// turns it off before this phase and on again last).
void restore_link(const RestoreContext& ctx, RestoreSequence& seq) {
  const std::span<const SavedField> port = ctx.upstream->fields;
  const std::uint32_t c1_now = seq.read_config(kControl1Offset, Width::dword);
  const std::uint32_t c2_now = seq.read_config(kControl2Offset, Width::dword);
  const std::uint32_t p1_now = seq.read_upstream_config(kControl1Offset, Width::dword);
  const std::uint32_t p2_now = seq.read_upstream_config(kControl2Offset, Width::dword);
  const std::uint32_t c1 = saved_value(ctx, "l1ss_control1");
  const std::uint32_t c2 = saved_value(ctx, "l1ss_control2");
  const std::uint32_t p1 = saved_value(port, "l1ss_control1");
  const std::uint32_t p2 = saved_value(port, "l1ss_control2");
  if (((c1_now ^ c1) & kControl1Writable) == 0 && ((c2_now ^ c2) & kControl2Writable) == 0 &&
      ((p1_now ^ p1) & kControl1Writable) == 0 && ((p2_now ^ p2) & kControl2Writable) == 0) {
    return;  // both ends as saved
  }
  const Target self = Target::config;
  const Target up = Target::upstream_config;
  if ((c1_now & kL12Enables) != 0) {
    seq.write(control_write("l1ss_control1 (L1.2 off)", self, kControl1Offset, c1_now, 0,
                            kL12Enables, 0));
  }
  if ((p1_now & kL12Enables) != 0) {
    seq.write(
        control_write("l1ss_control1 (L1.2 off)", up, kControl1Offset, p1_now, 0, kL12Enables, 0));
  }
  const std::uint32_t c1_off = c1_now & ~kL12Enables;
  const std::uint32_t p1_off = p1_now & ~kL12Enables;
  seq.write(control_write("l1ss_control2", up, kControl2Offset, p2_now, p2, kControl2Writable,
                          kControl2Writable));
  seq.write(control_write("l1ss_control2", self, kControl2Offset, c2_now, c2, kControl2Writable,
                          kControl2Writable));
  const bool enables = ((p1 | c1) & kL12Enables) != 0;
  const std::uint32_t without = kControl1Writable & ~kL12Enables;
  seq.write(control_write(enables ? "l1ss_control1 (without L1.2)" : "l1ss_control1", up,
                          kControl1Offset, p1_off, p1 & without, kControl1Writable,
                          enables ? 0 : kControl1Writable));
  seq.write(control_write(enables ? "l1ss_control1 (without L1.2)" : "l1ss_control1", self,
                          kControl1Offset, c1_off, c1 & without, kControl1Writable,
                          enables ? 0 : kControl1Writable));
  if (enables) {
    seq.write(control_write("l1ss_control1", up, kControl1Offset, p1_off, p1, kControl1Writable,
                            kControl1Writable));
    seq.write(control_write("l1ss_control1", self, kControl1Offset, c1_off, c1, kControl1Writable,
                            kControl1Writable));
  }
}

}  // namespace

void L1ssPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  if (ctx.upstream != nullptr) {
    restore_link(ctx, seq);
  } else {
    restore_one_end(ctx, seq);
  }
}

}  // namespace capstate::l1ss
