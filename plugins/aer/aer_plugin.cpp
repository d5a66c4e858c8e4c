// The aer plugin's code: its info, and the status clear the kernel makes before restoring AER.
#include "aer_plugin.hpp"

#include "aer_layout.hpp"

namespace capstate::aer {
namespace {
constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::extended, .id = kCapabilityId}}};
constexpr std::array<OptionSpec, 1> kOptions{{
    {.name = "clear_status",
     .values = "false|true",
     .default_value = "false",
     .doc = "clear the error status registers before restoring, as the kernel does when it owns "
            "AER (the logged errors are lost)"},
}};

// Writes back the set bits of one status register, which clears exactly them; its read-only
// bits (Root Error Status's Interrupt Message Number) are written as read.
void clear(RestoreSequence& seq, const char* name, std::uint16_t offset, std::uint32_t w1c) {
  const std::uint32_t now = seq.read_config(offset, Width::dword);
  const std::uint32_t set = now & w1c;
  if (set != 0) {
    seq.write({.name = name,
               .offset = offset,
               .width = Width::dword,
               .value = now,
               .always = true,
               .clears = set});
  }
}
}  // namespace

PluginInfo AerPlugin::info() const {
  return PluginInfo{
      .name = "aer",
      .version = "1.0.0",
      .summary = "Advanced Error Reporting: error masks, severity, ECRC enables, root command",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
      .options = kOptions,
  };
}

std::span<const Layout> AerPlugin::layouts() const {
  return kLayouts;
}

void AerPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  if (option_value(ctx, "clear_status") == "true") {
    // Root Error Status only where it exists (a saved, present root_status field).
    if (const SavedField* root = saved_field(ctx, "root_status");
        root != nullptr && root->present) {
      clear(seq, "root_status (clear)", 0x30, kRootStatusW1c);
    }
    clear(seq, "correctable_status (clear)", 0x10, kStatusW1c);
    clear(seq, "uncorrectable_status (clear)", 0x04, kStatusW1c);
  }
  seq.fields(false);
}

}  // namespace capstate::aer
