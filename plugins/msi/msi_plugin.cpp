// The msi plugin's code: only the Enable-off step before a changed message, which data cannot say.
#include "msi_plugin.hpp"

#include "msi_layout.hpp"

namespace capstate::msi {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::standard, .id = kCapabilityId}}};
}  // namespace

PluginInfo MsiPlugin::info() const {
  return PluginInfo{
      .name = "msi",
      .version = "1.0.0",
      .summary = "MSI: message address, data, per-vector mask bits and Message Control",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> MsiPlugin::layouts() const {
  return kLayouts;
}

void MsiPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  const std::uint32_t control = seq.read_config(0x02, Width::word);
  bool message_differs = false;
  for (const SavedField& f : ctx.fields) {
    if (!f.present || f.name == "message_control") {
      continue;
    }
    for (const Field& field : kSchema1Fields) {
      if (field.name == f.name) {
        message_differs = message_differs ||
                          ((seq.read_config(field.offset, field.width) ^ f.value) & field.writable);
      }
    }
  }
  // A live MSI must not fire with a half-written message: Enable off first.
  if ((control & kEnable) != 0 && message_differs) {
    seq.write({.name = "message_control (enable off)",
               .offset = 0x02,
               .width = Width::word,
               .value = control & ~kEnable,
               .verify = 0,
               .always = true});
  }
  seq.fields(false);
}

}  // namespace capstate::msi
