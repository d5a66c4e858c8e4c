// One source for the misbehaving test plugins of tests/hostile; each CMake target picks a case:
//   HP_NAME "hostile"  plugin name          HP_CAP_KIND / HP_CAP_ID  the capability it claims
// Modes 1-7 misbehave only for the capability at offset HP_FAIL_OFFSET (0xc8: Power Management
// of 0000:01:00.0 in the q35 dump) and are well behaved everywhere else:
//   HP_MODE 0 well behaved (restores 'ctrl' with a forced write),
//           1 save_extra throws std::runtime_error, 2 restore_sequence throws std::runtime_error,
//           3 save_extra returns bytes its layout does not declare (malformed record),
//           4 restore asks for a 16-bit write of 0x1ffff (value wider than the field),
//           5 restore asks for a write at offset 0x100000 (outside configuration space),
//           6 save_extra returns 2 MiB (absurd length), 7 restore_sequence throws an int,
//           8 layout whose fields both restore bit 8 (overlap), 9 a field beyond 4096 bytes.
#include <array>
#include <stdexcept>
#include <vector>

#include "capstate/sdk/sdk.hpp"

#ifndef HP_NAME
#define HP_NAME "hostile"
#endif
#ifndef HP_CAP_KIND
#define HP_CAP_KIND standard
#endif
#ifndef HP_CAP_ID
#define HP_CAP_ID 0x01
#endif
#ifndef HP_MODE
#define HP_MODE 0
#endif
#ifndef HP_FAIL_OFFSET
#define HP_FAIL_OFFSET 0xc8
#endif

namespace hostile_plugin {

using capstate::CapabilityId;
using capstate::CapKind;
using capstate::Claim;
using capstate::Width;

inline constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::HP_CAP_KIND, .id = HP_CAP_ID}}};

// Read-only fields (nothing writable, except in mode 8), so only the plugin's own write requests
// ever write.
inline constexpr std::array<capstate::Field, 2> kFields{{
    {.name = "header",
     .offset = 0x00,
     .width = Width::word,
     .writable = (HP_MODE == 8) ? 0x0300U : 0U},
    {.name = "ctrl",
     .offset = (HP_MODE == 8) ? 0x01 : ((HP_MODE == 9) ? 0x1000 : 0x02),
     .width = (HP_MODE == 8) ? Width::byte : Width::word,
     .writable = (HP_MODE == 8) ? 0x01U : 0U},
}};

inline constexpr std::array<capstate::Layout, 1> kLayouts{
    {{.schema_version = 1, .fields = kFields}}};

/// A plugin that misbehaves in the way HP_MODE says.
class HostilePlugin final : public capstate::Plugin {
 public:
  capstate::PluginInfo info() const override {
    return capstate::PluginInfo{
        .name = HP_NAME,
        .version = "6.6.6",
        .summary = "misbehaving test plugin " HP_NAME,
        .claims = kHandles,
        .current_schema = 1,
        .oldest_schema = 1,
        .restore_phase = 50,
    };
  }

  std::span<const capstate::Layout> layouts() const override { return kLayouts; }

  std::vector<std::uint8_t> save_extra(const capstate::SaveContext& ctx) const override {
    if (ctx.capability.offset != HP_FAIL_OFFSET) {
      return {};
    }
    if (HP_MODE == 1) {
      throw std::runtime_error("hostile save_extra exploded");
    }
    if (HP_MODE == 3) {
      return {0xde, 0xad, 0xbe};
    }
    if (HP_MODE == 6) {
      return std::vector<std::uint8_t>(std::size_t{2} << 20, 0x5a);
    }
    return {};
  }

  void restore_sequence(const capstate::RestoreContext& ctx,
                        capstate::RestoreSequence& seq) const override {
    const bool misbehave = ctx.capability.offset == HP_FAIL_OFFSET;
    if (HP_MODE == 2 && misbehave) {
      throw std::runtime_error("hostile restore_sequence exploded");
    }
    if (HP_MODE == 7 && misbehave) {
      throw 7;  // not a std::exception on purpose
    }
    capstate::WriteRequest w;
    w.name = "ctrl";
    w.offset = 0x02;
    w.width = Width::word;
    w.value = ctx.fields[1].value;
    w.always = true;
    if (HP_MODE == 4 && misbehave) {
      w.value = 0x1ffff;
    }
    if (HP_MODE == 5 && misbehave) {
      w.offset = 0x100000;
    }
    seq.write(w);
  }
};

}  // namespace hostile_plugin

CAPSTATE_PLUGIN(hostile_plugin::HostilePlugin)
