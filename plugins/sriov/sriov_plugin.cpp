// The sriov plugin's code: the order of the restore, as the kernel's sriov_restore_state.
#include "sriov_plugin.hpp"

#include <cstdio>
#include <string>

#include "sriov_layout.hpp"

namespace capstate::sriov {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", value);
  return text;
}
}  // namespace

PluginInfo SriovPlugin::info() const {
  return PluginInfo{
      .name = "sriov",
      .version = "1.0.0",
      .summary = "SR-IOV: VF BARs, System Page Size, NumVFs and Control, VF Enable last",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> SriovPlugin::layouts() const {
  return kLayouts;
}

void SriovPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  const std::uint32_t control_now = seq.read_config(kControlOffset, Width::word);
  // VFs exist: NumVFs, System Page Size and the VF BARs cannot change while VF Enable is set,
  // and turning it off would destroy the VFs under whoever uses them. The kernel's
  // sriov_restore_state returns at once; capstate writes nothing either, and when the device
  // holds other values than were saved it refuses, saying which, instead of staying silent.
  if ((control_now & kVfEnable) != 0) {
    for (std::size_t i = 0; i < kSchema1Fields.size() && i < ctx.fields.size(); ++i) {
      const Field& f = kSchema1Fields[i];
      const SavedField& was = ctx.fields[i];
      if (f.writable == 0 || !was.present) {
        continue;
      }
      const std::uint32_t now = seq.read_config(f.offset, f.width);
      if (((now ^ was.value) & f.writable) != 0) {
        throw Refusal(std::string("VF Enable is set (the VFs exist), so NumVFs, System Page Size "
                                  "and the VF BARs cannot change, and '") +
                      std::string(f.name) + "' holds " + hex(now & f.writable) + " where " +
                      hex(was.value & f.writable) +
                      " was saved; disable the VFs first (write 0 to the device's sriov_numvfs "
                      "in sysfs), then restore again");
      }
    }
    return;
  }
  const std::uint32_t control_saved = saved_value(ctx, "sriov_control");
  // ARI Capable Hierarchy first: VF Offset and VF Stride (and so the VFs' routing IDs) depend on
  // it. Every other enable off while the VF BARs and NumVFs are written; bits outside the
  // restored ones keep what the device holds.
  seq.write({.name = "sriov_control (ARI only)",
             .offset = kControlOffset,
             .width = Width::word,
             .value = (control_now & ~kControlWritable) | (control_saved & kAriCapableHierarchy),
             .verify = 0});
  for (const std::string_view bar : kVfBarFields) {
    seq.field(bar, false);  // absent variants append nothing
  }
  seq.field("system_page_size", false);
  seq.field("num_vfs", false);
  // The saved Control last: VF Enable (with VF MSE) brings the VFs into existence.
  seq.field("sriov_control", false);
  if ((control_saved & kVfEnable) != 0) {
    seq.delay(kVfEnableDelayUs);  // VFs need 100 ms before their first configuration access
  }
}

}  // namespace capstate::sriov
