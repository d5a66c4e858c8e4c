// Tests of the msix plugin: layouts, the vector table (an array) through BAR memory, its codec,
// and the masked-then-unmasked write sequence of a restore on a model function.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include "engine/field_codec.hpp"
#include "engine/layout_text.hpp"
#include "engine/plugin_call.hpp"
#include "engine/record_codec.hpp"
#include "fake_spaces.hpp"
#include "msix_layout.hpp"
#include "msix_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::msix {
namespace {

using capstate::testing::FakeBarSpace;
using capstate::testing::FakeConfigSpace;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr Capability kCap{.kind = CapKind::standard, .id = kCapabilityId, .offset = 0x70};

// MSI-X at 0x70: 4 entries (table size field 3), enabled, table in BAR 1 at 0x3000.
FakeConfigSpace device() {
  FakeConfigSpace cfg(kConventionalSize, "0000:02:00.0");
  cfg.set(0x72, Width::word, 0x8003);
  cfg.set(0x74, Width::dword, 0x00003001);
  cfg.set(0x78, Width::dword, 0x00003801);  // PBA: not saved
  return cfg;
}

FakeBarSpace bars(std::size_t bar1_size = 0x4000) {
  FakeBarSpace b;
  b.add(1, bar1_size);
  for (std::uint32_t i = 0; i < 4 && 0x3000 + 16 * (i + 1) <= bar1_size; ++i) {
    b.set(1, 0x3000 + 16 * i + 0, 0xfee00000 + i);   // address_lo
    b.set(1, 0x3000 + 16 * i + 4, 0);                // address_hi
    b.set(1, 0x3000 + 16 * i + 8, 0x4020 + i);       // data
    b.set(1, 0x3000 + 16 * i + 12, i == 3 ? 1 : 0);  // vector_control: last one masked
  }
  return b;
}

TEST(MsixLayouts, BothSchemasValidate) {
  MsixPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
  EXPECT_TRUE(plugin.info().needs_bar_access);
  EXPECT_EQ(kSchema2Fields[0].writable, 0xc000U);  // Enable | Function Mask, not the table size
  EXPECT_EQ(kSchema2Fields[1].writable, 0U);
  EXPECT_EQ(kSchema2Fields[1].verify, 0xffffffffU);
}

TEST(MsixSave, TableSavedThroughBarSpace) {
  MsixPlugin plugin;
  FakeConfigSpace cfg = device();
  FakeBarSpace b = bars();
  const Record r = core::save_record(plugin, kCap, cfg, &b);
  std::vector<std::uint8_t> expected{
      0x03, 0x00, 0x00, 0x00,  // presence bitmap: message_control, table_location
      0x03, 0x80,              // message_control: enabled, 4 entries
      0x01, 0x30, 0x00, 0x00,  // table_location: BIR 1, offset 0x3000
      0x01,                    // table_saved
      0x04, 0x00,              // entries
  };
  for (std::uint8_t i = 0; i < 4; ++i) {
    const std::array<std::uint8_t, 16> entry{i,
                                             0x00,
                                             0xe0,
                                             0xfe,  // address_lo 0xfee0000i
                                             0x00,
                                             0x00,
                                             0x00,
                                             0x00,  // address_hi
                                             static_cast<std::uint8_t>(0x20 + i),
                                             0x40,
                                             0x00,
                                             0x00,  // data 0x402i
                                             static_cast<std::uint8_t>(i == 3),
                                             0x00,
                                             0x00,
                                             0x00};  // vector_control
    expected.insert(expected.end(), entry.begin(), entry.end());
  }
  EXPECT_EQ(r.payload, expected);
  EXPECT_EQ(b.reads, 16U);
  EXPECT_EQ(b.writes, 0U);
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 1, 1}));
}

TEST(MsixSave, NoBarAccessMeansTableNotSaved) {
  MsixPlugin plugin;
  FakeConfigSpace cfg = device();
  const Record r = core::save_record(plugin, kCap, cfg, nullptr);
  EXPECT_EQ(r.payload, (std::vector<std::uint8_t>{0x03, 0, 0, 0, 0x03, 0x80, 0x01, 0x30, 0, 0,
                                                  0x00,           // table_saved = 0
                                                  0x04, 0x00}));  // entries, no table
}

TEST(MsixSave, MissingBarOrTableBeyondBarMeansNotSaved) {
  MsixPlugin plugin;
  FakeConfigSpace cfg = device();
  FakeBarSpace other;
  other.add(0, 0x10000);  // the table is in BAR 1, which this source lacks
  EXPECT_EQ(core::save_record(plugin, kCap, cfg, &other).payload.at(10), 0x00);
  FakeBarSpace small = bars(0x3030);  // 4 entries need 0x3000..0x303f
  EXPECT_EQ(core::save_record(plugin, kCap, cfg, &small).payload.size(), 13U);
  EXPECT_EQ(small.reads, 0U);
  FakeBarSpace exact = bars(0x3040);
  EXPECT_EQ(core::save_record(plugin, kCap, cfg, &exact).payload.size(), 13U + 64U);
}

TEST(MsixTable, DecodeNamesAndRoundTrip) {
  MsixPlugin plugin;
  FakeConfigSpace cfg = device();
  FakeBarSpace b = bars();
  const Record r = core::save_record(plugin, kCap, cfg, &b);
  const core::DecodedRecord d = core::decode_record(plugin, r);
  ASSERT_EQ(d.extra.size(), 2U + 16U);
  EXPECT_EQ(d.extra[0], (DecodedValue{"table_saved", 1, 8}));
  EXPECT_EQ(d.extra[1], (DecodedValue{"entries", 4, 16}));
  EXPECT_EQ(d.extra[2], (DecodedValue{"vector[0].address_lo", 0xfee00000, 32}));
  EXPECT_EQ(d.extra[16], (DecodedValue{"vector[3].data", 0x4023, 32}));
  EXPECT_EQ(d.extra[17], (DecodedValue{"vector[3].vector_control", 1, 32}));
  EXPECT_EQ(core::assemble_record(plugin, kCap, 2, d.fields, d.extra), r);
  const Record unsaved = core::save_record(plugin, kCap, cfg, nullptr);
  const core::DecodedRecord du = core::decode_record(plugin, unsaved);
  EXPECT_EQ(du.extra, (std::vector<DecodedValue>{{"table_saved", 0, 8}, {"entries", 4, 16}}));
  EXPECT_EQ(core::assemble_record(plugin, kCap, 2, du.fields, du.extra), unsaved);
}

// The table is data: the engine decodes it, and malformed bytes are refused by the engine.
TEST(MsixTable, MalformedBytesAreRefused) {
  MsixPlugin plugin;
  FakeConfigSpace cfg = device();
  const Record good = core::save_record(plugin, kCap, cfg, nullptr);
  auto decode = [&](std::vector<std::uint8_t> tail) {
    Record r = good;
    r.payload.resize(10);  // bitmap and the two fields
    r.payload.insert(r.payload.end(), tail.begin(), tail.end());
    return [&plugin, r] { core::decode_record(plugin, r); };
  };
  using E = core::PayloadError;
  EXPECT_THAT(decode({0x01, 0x04}), ThrowsMessage<E>(HasSubstr("array 'vector'")));
  EXPECT_THAT(decode({0x02, 0x04, 0x00}), ThrowsMessage<E>(HasSubstr("table_saved is 2")));
  EXPECT_THAT(decode({0x00, 0x01, 0x08}), ThrowsMessage<E>(HasSubstr("entries is 2049")));
  EXPECT_THAT(decode({0x00, 0x04, 0x00, 0x00}),
              ThrowsMessage<E>(HasSubstr("1 unexpected bytes after the 13 bytes")));
  EXPECT_THAT(decode({0x01, 0x01, 0x00, 0x00}),
              ThrowsMessage<E>(HasSubstr("1 elements need 16 bytes")));
}

TEST(MsixTable, AssembleErrors) {
  MsixPlugin plugin;
  using E = core::PayloadError;
  const std::vector<core::FieldValue> fields{{"message_control", 0x8003, true, Width::word},
                                             {"table_location", 0x3001, true, Width::dword}};
  const std::vector<DecodedValue> no_entries{{"table_saved", 0, 8}};
  EXPECT_THAT([&] { core::assemble_record(plugin, kCap, 2, fields, no_entries); },
              ThrowsMessage<E>(HasSubstr("value 'entries' is missing")));
  const std::vector<DecodedValue> missing_vector{{"table_saved", 1, 8}, {"entries", 1, 16}};
  EXPECT_THAT([&] { core::assemble_record(plugin, kCap, 2, fields, missing_vector); },
              ThrowsMessage<E>(HasSubstr("value 'vector[0].address_lo' is missing")));
  const std::vector<DecodedValue> unknown{
      {"table_saved", 0, 8}, {"entries", 1, 16}, {"vector[0].data", 5, 32}};
  EXPECT_THAT([&] { core::assemble_record(plugin, kCap, 2, fields, unknown); },
              ThrowsMessage<E>(HasSubstr("value 'vector[0].data' is not an element")));
  const std::vector<DecodedValue> big{{"table_saved", 2, 8}, {"entries", 1, 16}};
  EXPECT_THAT([&] { core::assemble_record(plugin, kCap, 2, fields, big); },
              ThrowsMessage<E>(HasSubstr("value 'table_saved' is 0x2, at most 0x1")));
}

// Changing how the table is encoded changes schema 2's fingerprint, so records written before
// the change are refused instead of misread.
TEST(MsixTable, EncodingChangeIsCaughtByTheFingerprint) {
  const std::uint64_t shipped = core::layout_fingerprint("msix", kLayouts[1]);
  std::array<Field, 4> wider = kEntryFields;
  wider[3].verify = 0xffffffff;  // any change of an element field
  std::array<Array, 1> arrays = kSchema2Arrays;
  arrays[0].fields = wider;
  Layout changed = kLayouts[1];
  changed.arrays = arrays;
  EXPECT_NE(core::layout_fingerprint("msix", changed), shipped);
  arrays = kSchema2Arrays;
  arrays[0].count.max = 4096;
  changed.arrays = arrays;
  EXPECT_NE(core::layout_fingerprint("msix", changed), shipped);
}

constexpr core::PciAddress kAddress{0, 2, 0, 0};
constexpr std::uint16_t kMsix = 0x70;
constexpr std::uint32_t kTable = 0x3000;

// A model function with MSI-X at 0x70 (4 entries, Message Control `control`), its table in BAR 1
// at 0x3000 holding `table` (16 dwords) and the PBA after it; Enable and Function Mask writable;
// Command `command` (0, as after a reset: memory decode off).
plugintest::ModelImage msix_model(std::uint16_t control, const std::array<std::uint32_t, 16>& table,
                                  std::uint16_t command = 0) {
  plugintest::ModelImage m{std::vector<std::uint8_t>(kConventionalSize, 0),
                           std::vector<std::uint8_t>(kConventionalSize, 0),
                           std::vector<std::uint8_t>(kConventionalSize, 0)};
  plugintest::put(m.config, 0x00, 0x10fb8086, 4);
  plugintest::put(m.config, 0x04, command, 2);
  plugintest::put(m.config, 0x06, 0x0010, 2);
  plugintest::put(m.config, 0x08, 0x02000001, 4);
  plugintest::put(m.config, 0x34, kMsix, 1);
  plugintest::put(m.config, kMsix, 0x0011, 2);  // MSI-X, last in the list
  plugintest::put(m.config, kMsix + 2, control, 2);
  plugintest::put(m.config, kMsix + 4, kTable | 1, 4);
  plugintest::put(m.config, kMsix + 8, 0x3801, 4);
  plugintest::put(m.writable, kMsix + 2, kEnable | kMaskAll, 2);
  plugintest::ModelBar bar{1, std::vector<std::uint8_t>(0x4000, 0)};
  for (unsigned i = 0; i < table.size(); ++i) {
    plugintest::put(bar.bytes, kTable + 4 * i, table[i], 4);
  }
  m.bars.push_back(bar);
  return m;
}

// The saved table: entry i has address 0xfee0000i and data 0x402i; entry 3 is masked.
std::array<std::uint32_t, 16> saved_table() {
  std::array<std::uint32_t, 16> t{};
  for (unsigned i = 0; i < 4; ++i) {
    t[4 * i + 0] = 0xfee00000 + i;  // address_lo
    t[4 * i + 2] = 0x4020 + i;      // data
    t[4 * i + 3] = i == 3 ? kVectorMaskBit : 0;
  }
  return t;
}

// The table after a reset: no messages, every vector masked.
std::array<std::uint32_t, 16> reset_table() {
  std::array<std::uint32_t, 16> t{};
  for (unsigned i = 0; i < 4; ++i) {
    t[4 * i + 3] = kVectorMaskBit;
  }
  return t;
}

// After a reset (memory decode off, so table reads cannot be trusted): Message Control first
// with Enable and Function Mask set (the read-only table size as read), then every table dword
// in order, then the saved Message Control, which unmasks the function.
TEST(MsixWriteSequence, MaskedWhileEveryDwordIsWrittenThenUnmasked) {
  const std::array<std::uint32_t, 16> saved = saved_table();
  const plugintest::ModelImage now = msix_model(0x0003, reset_table());
  ::testing::StrictMock<plugintest::WriteObserver> obs;
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(obs, config_write(kMsix + 2, Width::word, kEnable | kMaskAll | 0x0003));
    for (unsigned i = 0; i < 16; ++i) {
      EXPECT_CALL(obs, bar_write(1, kTable + 4 * i, saved[i]));
    }
    EXPECT_CALL(obs, config_write(kMsix + 2, Width::word, kEnable | 0x0003));
  }
  const plugintest::ModelRestore r = plugintest::save_and_restore(
      std::make_shared<MsixPlugin>(), kAddress, msix_model(kEnable | 0x0003, saved), now, obs);
  EXPECT_TRUE(r.mismatches.empty());
  EXPECT_EQ(plugintest::get(r.bytes, kMsix + 2, 2), kEnable | 0x0003);
  ASSERT_EQ(r.bars.size(), 1U);
  for (unsigned i = 0; i < 16; ++i) {
    EXPECT_EQ(plugintest::get(r.bars[0].bytes, kTable + 4 * i, 4), saved[i]) << i;
  }
  EXPECT_TRUE(plugintest::disturbed_bits(now, r.bytes).empty());
}

// With memory decode on the table reads are trusted: between the masking and the unmasking write
// only the dwords that differ (addresses, data, the mask bits of entries 0-2) are written.
TEST(MsixWriteSequence, MaskedWhileDifferingDwordsAreWrittenThenUnmasked) {
  constexpr std::uint16_t kMemorySpace = 0x0002;
  const std::array<std::uint32_t, 16> saved = saved_table();
  const plugintest::ModelImage now = msix_model(0x0003, reset_table(), kMemorySpace);
  ::testing::StrictMock<plugintest::WriteObserver> obs;
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(obs, config_write(kMsix + 2, Width::word, kEnable | kMaskAll | 0x0003));
    for (unsigned i = 0; i < 4; ++i) {
      const std::uint32_t entry = kTable + kEntryBytes * i;
      EXPECT_CALL(obs, bar_write(1, entry + 0, 0xfee00000 + i));
      EXPECT_CALL(obs, bar_write(1, entry + 8, 0x4020 + i));
      if (i != 3) {
        EXPECT_CALL(obs, bar_write(1, entry + 12, 0));  // unmasked as saved
      }
    }
    EXPECT_CALL(obs, config_write(kMsix + 2, Width::word, kEnable | 0x0003));
  }
  const plugintest::ModelRestore r =
      plugintest::save_and_restore(std::make_shared<MsixPlugin>(), kAddress,
                                   msix_model(kEnable | 0x0003, saved, kMemorySpace), now, obs);
  EXPECT_TRUE(r.mismatches.empty());
  ASSERT_EQ(r.bars.size(), 1U);
  for (unsigned i = 0; i < 16; ++i) {
    EXPECT_EQ(plugintest::get(r.bars[0].bytes, kTable + 4 * i, 4), saved[i]) << i;
  }
  EXPECT_TRUE(plugintest::disturbed_bits(now, r.bytes).empty());
}

}  // namespace
}  // namespace capstate::msix
