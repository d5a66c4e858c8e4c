// Arrays in configuration space that a saved field locates (Placement::locator with
// Space::config, SDK 4): where element 0 lies, the canonical text, saving the elements, leaving a
// table that would lie outside configuration space unsaved with a warning, restoring at the
// located offset, and refusing a record whose located table cannot be written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "backends/model_source.hpp"
#include "dispatch/device_save.hpp"
#include "engine/field_codec.hpp"
#include "engine/layout_text.hpp"
#include "engine/record_codec.hpp"
#include "fake_spaces.hpp"
#include "registry/metadata_check.hpp"
#include "registry/registry.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"

namespace capstate::core {
namespace {

using capstate::testing::FakeConfigSpace;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::uint16_t kTableCapId = 0x0abc;

// A table register as the VC capability has it: bits 31:24 hold the table's offset from the
// capability start in 16-byte units.
constexpr std::array<Field, 1> kLocatorFields{{
    {.name = "where", .offset = 0x04, .width = Width::dword},
}};
constexpr std::array<Field, 1> kEntry{{
    {.name = "value", .offset = 0, .width = Width::dword, .writable = ~0U, .verify = ~0U},
}};
constexpr Array kLocatedTable{.name = "table",
                              .saved_name = "table_saved",
                              .count_name = "table_entries",
                              .count = {.constant = 4, .max = 4},
                              .place = {.space = Space::config,
                                        .locator = "where",
                                        .offset_mask = 0xff000000,
                                        .unit_shift = 4},
                              .stride = 4,
                              .fields = kEntry};
constexpr std::array<Array, 1> kLocatedArrays{{kLocatedTable}};
constexpr std::array<Layout, 1> kLocatedLayouts{
    {{.schema_version = 1, .fields = kLocatorFields, .arrays = kLocatedArrays}}};
constexpr std::array<Claim, 1> kTableClaims{{{.kind = CapKind::extended, .id = kTableCapId}}};

// Extended capability 0x0abc: the layout above, the default restore (fields, then arrays).
class LocatedTablePlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {.name = "located",
            .version = "1",
            .summary = "a table located by a register",
            .claims = kTableClaims,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 100};
  }
  std::span<const Layout> layouts() const override { return kLocatedLayouts; }
};

std::vector<SavedField> where(std::uint32_t value) {
  return {{.name = "where", .value = value, .present = true}};
}

TEST(ConfigLocator, ElementZeroLiesAtTheLocatedOffsetInUnits) {
  const Capability ext{.kind = CapKind::extended, .id = kTableCapId, .offset = 0x148};
  // (0x07000003 & 0xff000000) >> 24 = 7 units of 16 bytes: 0x70 from the capability start.
  ArrayPlace place = array_place(kLocatedTable, ext, where(0x07000003));
  EXPECT_EQ(place.space, Space::config);
  EXPECT_EQ(place.base, 0x1b8U);
  // A constant offset is added before the located one.
  Array shifted = kLocatedTable;
  shifted.place.offset = 0x10;
  EXPECT_EQ(array_place(shifted, ext, where(0x07000003)).base, 0x1c8U);
  // Other masks and units: bits 15:8 in dwords.
  shifted.place = {.space = Space::config,
                   .offset = 0,
                   .locator = "where",
                   .offset_mask = 0x0000ff00,
                   .unit_shift = 2};
  EXPECT_EQ(array_place(shifted, ext, where(0xffff12ff)).base, 0x148U + 0x12U * 4);
  // A locator of 0 (or an absent field) leaves the array at the constant offset.
  EXPECT_EQ(array_place(kLocatedTable, ext, {}).base, 0x148U);
  EXPECT_EQ(array_place(kLocatedTable, ext, where(0x00ffffff)).base, 0x148U);
}

TEST(ConfigLocator, OutOfRangeOnlyOutsideConfigurationSpace) {
  const Capability ext{.kind = CapKind::extended, .id = kTableCapId, .offset = 0xf00};
  const auto why = [&](std::uint32_t value, const Capability& cap) {
    return config_array_out_of_range(kLocatedTable, cap,
                                     array_place(kLocatedTable, cap, {where(value)}), 4);
  };
  // 0xf00 + 0xf0 = 0xff0: four dwords end exactly at 0x1000.
  EXPECT_EQ(why(0x0f000000, ext), "");
  EXPECT_EQ(why(0x10000000, ext),
            "field 'where' places its 4 elements of 4 bytes at 0x1000..0x100f, outside "
            "configuration space 0x100..0xfff of extended capability 0x0abc at 0xf00");
  EXPECT_THAT(why(0xff000000, ext), HasSubstr("at 0x1ef0..0x1eff"));
  // A standard capability may reach below 0x100.
  const Capability std_cap{.kind = CapKind::standard, .id = 0x99, .offset = 0x40};
  EXPECT_EQ(why(0x01000000, std_cap), "");
  // No elements, nothing to place.
  EXPECT_EQ(config_array_out_of_range(kLocatedTable, ext, ArrayPlace{Space::config, 0, 0x2000}, 0),
            "");
}

TEST(ConfigLocator, CanonicalTextNamesLocatorMaskAndUnits) {
  const std::string text = canonical_layout_text("located", kLocatedLayouts[0]);
  EXPECT_THAT(text, HasSubstr("array table saved=table_saved count=table_entries from=4 max=4 "
                              "at=config+0x0000+(field:where offset&0xff000000 unit_shift=4) "
                              "stride=4 present=always elements=1\n"));
  // Each property of the placement changes the fingerprint.
  const std::uint64_t base = layout_fingerprint("located", kLocatedLayouts[0]);
  for (int change = 0; change < 3; ++change) {
    std::array<Array, 1> arrays = kLocatedArrays;
    if (change == 0) {
      arrays[0].place.unit_shift = 3;
    } else if (change == 1) {
      arrays[0].place.offset_mask = 0x7f000000;
    } else {
      arrays[0].place.locator = "there";
    }
    Layout layout = kLocatedLayouts[0];
    layout.arrays = arrays;
    EXPECT_NE(layout_fingerprint("located", layout), base) << change;
  }
  // Without a locator the text is the constant form every earlier layout has.
  std::array<Array, 1> constant = kLocatedArrays;
  constant[0].place = {.space = Space::config, .offset = 0x0c};
  Layout layout = kLocatedLayouts[0];
  layout.arrays = constant;
  EXPECT_THAT(canonical_layout_text("located", layout), HasSubstr(" at=config+0x000c stride=4 "));
}

TEST(ConfigLocator, LayoutValidates) {
  LocatedTablePlugin plugin;
  EXPECT_EQ(metadata_problem(plugin.info(), plugin.layouts()), "");
}

// A 4096-byte function with the table capability at `cap` (last in the list), `where` in its
// +0x04 register and 0x11111111 * (i + 1) in dword i from the capability start + `at`.
FakeConfigSpace table_device(std::uint16_t cap, std::uint32_t where_value, std::uint16_t at) {
  FakeConfigSpace cfg(kExtendedSize, "0000:05:00.0");
  cfg.set(cap, Width::dword, 0x00010000U | kTableCapId);
  cfg.set(cap + 4, Width::dword, where_value);
  for (unsigned i = 0; i < 4 && cap + at + 4 * i + 4 <= kExtendedSize; ++i) {
    cfg.set(static_cast<std::uint16_t>(cap + at + 4 * i), Width::dword, 0x11111111U * (i + 1));
  }
  return cfg;
}

std::vector<std::string> named(const Record& r) {
  std::vector<std::string> out;
  for (const DecodedValue& v : decode_record(LocatedTablePlugin{}, r).extra) {
    out.push_back(v.name + "=" + std::to_string(v.value));
  }
  return out;
}

TEST(ConfigLocator, SaveReadsTheElementsAtTheLocatedOffset) {
  const Capability cap{.kind = CapKind::extended, .id = kTableCapId, .offset = 0x148};
  FakeConfigSpace cfg = table_device(0x148, 0x07000003, 0x70);
  std::vector<std::string> warnings;
  const Record r = save_record(LocatedTablePlugin{}, cap, cfg, nullptr, &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_THAT(named(r), ElementsAre("table_saved=1", "table_entries=4", "table[0].value=286331153",
                                    "table[1].value=572662306", "table[2].value=858993459",
                                    "table[3].value=1145324612"));
  // The dwords at 0x1b8..0x1c4 were read, nothing else of the table.
  std::vector<std::uint16_t> dwords;
  for (const auto& [offset, width] : cfg.log) {
    if (width == Width::dword && offset >= 0x1b0) {
      dwords.push_back(offset);
    }
  }
  EXPECT_THAT(dwords, ElementsAre(0x1b8, 0x1bc, 0x1c0, 0x1c4));
}

TEST(ConfigLocator, ATableOutsideConfigurationSpaceIsNotSavedAndWarned) {
  const Capability cap{.kind = CapKind::extended, .id = kTableCapId, .offset = 0xf00};
  FakeConfigSpace cfg = table_device(0xf00, 0xff000000, 0x10);
  std::vector<std::string> warnings;
  const Record r = save_record(LocatedTablePlugin{}, cap, cfg, nullptr, &warnings);
  EXPECT_THAT(named(r), ElementsAre("table_saved=0", "table_entries=4"));
  EXPECT_THAT(warnings,
              ElementsAre("0000:05:00.0: extended capability 0x0abc at 0xf00 array 'table' of "
                          "plugin 'located' not saved: field 'where' places its 4 elements of 4 "
                          "bytes at 0x1ef0..0x1eff, outside configuration space 0x100..0xfff of "
                          "extended capability 0x0abc at 0xf00"));
}

constexpr PciAddress kAddress{0, 5, 0, 0};

// A model function with the table capability at 0x100 and the table at +0x70 (writable).
std::vector<std::uint8_t> model_bytes(bool reset) {
  std::vector<std::uint8_t> b(kExtendedSize, 0);
  const auto put = [&](std::size_t at, std::uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) {
      b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
  };
  put(0x00, 0x12348086);
  put(0x08, 0xff000001);
  put(0x100, 0x00010000U | kTableCapId);
  put(0x104, 0x07000003);
  for (unsigned i = 0; i < 4; ++i) {
    put(0x170 + 4 * i, reset ? 0 : 0x11111111U * (i + 1));
  }
  return b;
}

std::vector<std::uint8_t> model_writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  std::fill(w.begin() + 0x170, w.begin() + 0x180, 0xff);
  return w;
}

struct Saved {
  Registry registry = Registry::from_plugins({std::make_shared<LocatedTablePlugin>()});
  DeviceSection section;
};

Saved save_model() {
  Saved s;
  ModelSource source;
  source.add(kAddress, model_bytes(false), model_writable(),
             std::vector<std::uint8_t>(kExtendedSize, 0));
  Device device = source.open(kAddress);
  SaveReport report;
  s.section = save_device(device, s.registry, {}, report);
  return s;
}

TEST(ConfigLocator, RestoreWritesTheElementsAtTheLocatedOffset) {
  const Saved s = save_model();
  ASSERT_EQ(s.section.records.size(), 1U);
  ModelSource after;
  after.add(kAddress, model_bytes(true), model_writable(),
            std::vector<std::uint8_t>(kExtendedSize, 0));
  Device device = after.open(kAddress);
  const DevicePlan plan = plan_restore(device, s.section, s.registry, {});
  std::vector<std::string> writes;
  for (const PlannedWrite& w : plan.writes) {
    if (w.write) {
      writes.push_back(w.name + "@" + std::to_string(w.offset));
    }
  }
  // 0x170, 0x174, 0x178, 0x17c.
  EXPECT_THAT(writes, ElementsAre("table[0].value@368", "table[1].value@372", "table[2].value@376",
                                  "table[3].value@380"));
  EXPECT_THAT(apply_plan(device, plan, true).mismatches, IsEmpty());
  const auto bytes = after.bytes(kAddress);
  const std::vector<std::uint8_t> saved = model_bytes(false);
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin() + 0x170, bytes.begin() + 0x180),
            std::vector<std::uint8_t>(saved.begin() + 0x170, saved.begin() + 0x180));
}

// A record no save writes (edited: the locator says 0xff, 255 units, beyond the 4096 bytes) is
// refused before anything is planned.
TEST(ConfigLocator, RestoreRefusesASavedTableOutsideConfigurationSpace) {
  Saved s = save_model();
  ASSERT_EQ(s.section.records.size(), 1U);
  // present_fields: a 4-byte presence bitmap, then `where` little-endian; its top byte.
  s.section.records[0].payload.at(7) = 0xff;
  ModelSource after;
  after.add(kAddress, model_bytes(true), model_writable(),
            std::vector<std::uint8_t>(kExtendedSize, 0));
  Device device = after.open(kAddress);
  EXPECT_THAT(
      [&] { plan_restore(device, s.section, s.registry, {}); },
      ::testing::ThrowsMessage<RestoreRefused>(AllOf(
          HasSubstr("0000:05:00.0: extended capability 0x0abc at 0x100 (plugin 'located'): saved "
                    "array 'table' cannot be written: field 'where' places its 4 elements of 4 "
                    "bytes at 0x10f0..0x10ff"),
          HasSubstr("nothing was written"))));
}

}  // namespace
}  // namespace capstate::core
