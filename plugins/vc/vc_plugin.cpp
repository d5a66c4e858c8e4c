// The vc plugin's code: PluginInfo and the restore sequence of pci_restore_vc_state: arbitration
// select, table, table load, then each VC (the engine checks every must-match bit first).
#include "vc_plugin.hpp"

#include <cstdio>
#include <string>

#include "vc_layout.hpp"

namespace capstate::vc {
namespace {
constexpr std::array<Claim, 3> kClaims{{
    {.kind = CapKind::extended, .id = kCapabilityId},
    {.kind = CapKind::extended, .id = kVc9CapabilityId},
    {.kind = CapKind::extended, .id = kMfvcCapabilityId},
}};

// Index of the resource fields in one element's saved values.
constexpr std::size_t kCapabilityIndex = 0;
constexpr std::size_t kControlIndex = 1;

// Offset of field `field_offset` of resource `i` from the capability start.
std::uint16_t resource_offset(std::uint32_t i, std::uint16_t field_offset) {
  return static_cast<std::uint16_t>(kResourcesOffset + i * kResourceBytes + field_offset);
}

// Writes the saved VC Arbitration Table `table` (16, 8 or 4 dwords at the offset Port VC
// Capability 2 gives), then sets Load VC Arbitration Table and waits until the port has applied
// it, as pci_vc_load_arb_table does.
void restore_vc_arbitration(const RestoreContext& ctx, RestoreSequence& seq,
                            const SavedArray& table) {
  const SavedField* cap2 = saved_field(ctx, kPortCapability2);
  const SavedField* control = saved_field(ctx, kPortControl);
  const std::uint32_t located = cap2 == nullptr ? 0 : (cap2->value & kVcArbTableOffset) >> 24;
  const auto base = static_cast<std::uint16_t>(located << kVcArbTableUnitShift);
  for (std::uint32_t i = 0; i < table.count && i < table.values.size(); ++i) {
    seq.write({.name = std::string(table.name) + "[" + std::to_string(i) + "].entries",
               .offset = static_cast<std::uint16_t>(base + 4 * i),
               .width = Width::dword,
               .value = table.values[i],
               .verify = 0xffffffff});
  }
  // Port VC Control as the select write left it, with the load command set.
  const std::uint32_t now = seq.read_config(kPortControlOffset, Width::word);
  const std::uint32_t select = control == nullptr ? now : control->value;
  seq.write({.name = "port_control (load VC arbitration table)",
             .offset = kPortControlOffset,
             .width = Width::word,
             .value = (now & ~kVcArbSelect & ~kLoadVcArbTable) | (select & kVcArbSelect) |
                      kLoadVcArbTable,
             .always = true});
  seq.wait_until({.name = "vc_arbitration_table_loaded",
                  .offset = kPortStatusOffset,
                  .width = Width::word,
                  .mask = kVcArbTableStatus,
                  .value = 0,
                  .timeout_us = kPendingTimeoutUs});
}

// Restores VC `i`'s control from `saved`: TC/VC Map, Port Arbitration Select and VC ID with the
// device's Enable kept, then (VC1 and up) Enable where it differs, waiting for the negotiation.
// VC0's Enable is hardwired to 1: its one write carries the saved Enable, which changes nothing
// on hardware and keeps a restore into a dump or image exact.
void restore_resource(RestoreSequence& seq, std::uint32_t i, std::uint32_t saved) {
  const std::uint16_t offset = resource_offset(i, kResourceControl);
  const std::uint32_t now = seq.read_config(offset, Width::dword);
  const std::uint32_t kept_enable = (i == 0 ? saved : now) & kVcEnable;
  const std::uint32_t restored = (now & ~kControlRestored & ~kLoadPortArbTable & ~kVcEnable) |
                                 (saved & kControlRestored) | kept_enable;
  const std::string name = "resource[" + std::to_string(i) + "].control";
  seq.write({.name = name,
             .offset = offset,
             .width = Width::dword,
             .value = restored,
             .verify = kControlRestored});
  if (i == 0 || ((now ^ saved) & kVcEnable) == 0) {
    return;  // VC0 is always enabled; nothing to negotiate
  }
  const bool enable = (saved & kVcEnable) != 0;
  seq.write({.name = name + (enable ? " (enable)" : " (disable)"),
             .offset = offset,
             .width = Width::dword,
             .value = (restored & ~kVcEnable) | (saved & kVcEnable),
             .verify = kControlRestored | kVcEnable});
  seq.wait_until({.name = "vc_resource" + std::to_string(i) + "_negotiated",
                  .offset = resource_offset(i, kResourceStatus),
                  .width = Width::word,
                  .mask = kVcNegotiationPending,
                  .value = 0,
                  .timeout_us = kPendingTimeoutUs});
}
}  // namespace

PluginInfo VcPlugin::info() const {
  return PluginInfo{
      .name = "vc",
      .version = "1.0.0",
      .summary =
          "Virtual Channel: arbitration select and table, each VC's TC/VC map, port "
          "arbitration select, ID and enable",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> VcPlugin::layouts() const {
  return kLayouts;
}

void VcPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  const SavedArray* resources = saved_array(ctx, kResourceArray);
  const bool have_resources = resources != nullptr && resources->saved;
  const std::size_t per = kResourceFields.size();
  // VC Arbitration Select first: it cannot change once more than one low-priority VC is in use,
  // and after a reset only VC0 is.
  seq.field(kPortControl, false);
  for (const SavedArray& a : ctx.arrays) {
    if (a.name != kResourceArray && a.saved) {
      restore_vc_arbitration(ctx, seq, a);
    }
  }
  if (have_resources) {
    for (std::uint32_t i = 0; i < resources->count; ++i) {
      if (std::size_t{i} * per + kControlIndex < resources->values.size()) {
        restore_resource(seq, i, resources->values[std::size_t{i} * per + kControlIndex]);
      }
    }
  }
}

}  // namespace capstate::vc
