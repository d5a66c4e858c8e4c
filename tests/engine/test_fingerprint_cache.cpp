// Fingerprints computed once per loaded plugin and schema (PluginEntry::layouts), and that the
// cache never answers for a layout the plugin did not declare at load time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "dispatch/entry_records.hpp"
#include "engine/layout_text.hpp"
#include "fake_spaces.hpp"
#include "registry/registry.hpp"

namespace capstate::core {
namespace {

using capstate::testing::FakeConfigSpace;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// clang-format off
constexpr std::array<Field, 1> kFieldsA{{{.name = "ctl", .offset = 0x04, .width = Width::word}}};
constexpr std::array<Field, 1> kFieldsB{{{.name = "ctl", .offset = 0x06, .width = Width::word}}};
// clang-format on
constexpr std::array<Layout, 2> kLayoutsA{{
    {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kFieldsA},
    {.schema_version = 2, .encoding = Encoding::present_fields, .fields = kFieldsA},
}};
constexpr std::array<Layout, 2> kLayoutsB{{
    {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kFieldsB},
    {.schema_version = 2, .encoding = Encoding::present_fields, .fields = kFieldsB},
}};
constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::standard, .id = 0x99}}};
constexpr Capability kCap{.kind = CapKind::standard, .id = 0x99, .offset = 0x40};

// A plugin whose layouts can be swapped after it was loaded (a misbehaving plugin).
class SwappingPlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {.name = "swap",
            .version = "1",
            .summary = "test",
            .claims = kHandles,
            .current_schema = 2,
            .oldest_schema = 1};
  }
  std::span<const Layout> layouts() const override { return layouts_; }

  std::span<const Layout> layouts_ = kLayoutsA;  ///< what layouts() returns
};

struct Loaded {
  std::shared_ptr<SwappingPlugin> plugin = std::make_shared<SwappingPlugin>();
  Registry registry = Registry::from_plugins({plugin});
  const PluginEntry& entry() const { return *registry.find("swap"); }
};

FakeConfigSpace device() {
  FakeConfigSpace cfg(kConventionalSize, "0000:05:00.0");
  cfg.set(0x44, Width::word, 0x1234);
  cfg.set(0x46, Width::word, 0x5678);
  return cfg;
}

TEST(FingerprintCache, ComputedAtLoadForEverySchema) {
  const Loaded loaded;
  ASSERT_NE(loaded.registry.find("swap"), nullptr);
  const std::vector<LayoutPrint>& prints = loaded.entry().layouts;
  ASSERT_EQ(prints.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(prints[i].layout, &kLayoutsA[i]);
    EXPECT_EQ(prints[i].fingerprint, layout_fingerprint("swap", kLayoutsA[i]));
  }
  EXPECT_NE(prints[0].fingerprint, prints[1].fingerprint);
}

TEST(FingerprintCache, AnswersOnlyForTheDeclaredLayoutObject) {
  const Loaded loaded;
  const PluginEntry& e = loaded.entry();
  EXPECT_EQ(cached_fingerprint(e, "swap", kLayoutsA[1]), layout_fingerprint("swap", kLayoutsA[1]));
  const Layout copy = kLayoutsA[1];  // equal value, other object
  EXPECT_EQ(cached_fingerprint(e, "swap", copy), std::nullopt);
  EXPECT_EQ(cached_fingerprint(e, "other", kLayoutsA[1]), std::nullopt);
  EXPECT_EQ(cached_fingerprint(e, "swap", kLayoutsB[1]), std::nullopt);
  // The same Layout object edited in place to view other fields is not trusted either.
  std::array<Layout, 2> editable = kLayoutsA;
  const Registry reg = [&] {
    auto p = std::make_shared<SwappingPlugin>();
    p->layouts_ = editable;
    return Registry::from_plugins({p});
  }();
  const PluginEntry& edited = *reg.find("swap");
  EXPECT_EQ(cached_fingerprint(edited, "swap", editable[1]),
            layout_fingerprint("swap", kLayoutsA[1]));
  editable[1].fields = kFieldsB;
  EXPECT_EQ(cached_fingerprint(edited, "swap", editable[1]), std::nullopt);
  EXPECT_EQ(record_fingerprint(&edited, "swap", editable[1]),
            layout_fingerprint("swap", kLayoutsB[1]));
  // Nor one edited to view other arrays, or to declare another earlier fingerprint.
  static constexpr std::array<Field, 1> kElement{
      {{.name = "v", .offset = 0, .width = Width::dword, .writable = ~0U}}};
  static constexpr std::array<Array, 1> kTable{{{.name = "t",
                                                 .saved_name = "t_saved",
                                                 .count_name = "t_count",
                                                 .count = {.constant = 1, .max = 1},
                                                 .stride = 4,
                                                 .fields = kElement}}};
  editable[1].fields = kFieldsA;
  ASSERT_NE(cached_fingerprint(edited, "swap", editable[1]), std::nullopt);
  editable[1].arrays = kTable;
  EXPECT_EQ(cached_fingerprint(edited, "swap", editable[1]), std::nullopt);
  editable[1].arrays = {};
  editable[1].earlier_fingerprint = 0x1234;
  EXPECT_EQ(cached_fingerprint(edited, "swap", editable[1]), std::nullopt);
}

TEST(FingerprintCache, EntryOverloadsMatchPluginOverloads) {
  const Loaded loaded;
  FakeConfigSpace a = device();
  FakeConfigSpace b = device();
  const Record by_entry = save_record(loaded.entry(), kCap, a, nullptr);
  EXPECT_EQ(by_entry, save_record(*loaded.plugin, kCap, b, nullptr));
  EXPECT_EQ(by_entry.fingerprint, layout_fingerprint("swap", kLayoutsA[1]));
  EXPECT_EQ(by_entry.payload, (std::vector<std::uint8_t>{0x01, 0, 0, 0, 0x34, 0x12}));
  EXPECT_EQ(decode_record(loaded.entry(), by_entry).fields,
            (std::vector<FieldValue>{{"ctl", 0x1234, true, Width::word}}));
}

TEST(FingerprintCache, LayoutsSwappedAfterLoadAreFingerprintedAfresh) {
  Loaded loaded;
  FakeConfigSpace cfg = device();
  const Record before = save_record(loaded.entry(), kCap, cfg, nullptr);
  loaded.plugin->layouts_ = kLayoutsB;
  const Record after = save_record(loaded.entry(), kCap, cfg, nullptr);
  EXPECT_EQ(after.fingerprint, layout_fingerprint("swap", kLayoutsB[1]));
  EXPECT_EQ(after.payload, (std::vector<std::uint8_t>{0x01, 0, 0, 0, 0x78, 0x56}));
  // The record saved with layout A no longer matches what the plugin now declares.
  EXPECT_THAT([&] { decode_record(loaded.entry(), before); },
              ThrowsMessage<EngineError>(HasSubstr("layout changed without a version bump")));
  EXPECT_EQ(decode_record(loaded.entry(), after).fields[0].value, 0x5678U);
}

TEST(FingerprintCache, EntryWithoutPluginIsRefused) {
  PluginEntry empty;
  empty.name = "gone";
  empty.reason = "disabled by policy";
  FakeConfigSpace cfg = device();
  EXPECT_THAT([&] { save_record(empty, kCap, cfg, nullptr); },
              ThrowsMessage<EngineError>(HasSubstr("plugin 'gone' () is not loaded: disabled "
                                                   "by policy")));
}

}  // namespace
}  // namespace capstate::core
