// Presence evaluation, the register read cache, and payload packing / unpacking.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "engine/field_codec.hpp"
#include "fake_spaces.hpp"

namespace capstate::core {
namespace {

using capstate::testing::FakeConfigSpace;
using ::testing::HasSubstr;

constexpr Capability kCap{.kind = CapKind::extended, .id = 0x42, .offset = 0x100, .version = 2};

Condition reg_cond(Test t, std::uint32_t mask, std::uint8_t shift, std::uint32_t operand) {
  return Condition{.test = t,
                   .offset = 0x02,
                   .width = Width::word,
                   .mask = mask,
                   .shift = shift,
                   .operand = operand};
}

TEST(Presence, EachTestOnACapabilityRegister) {
  FakeConfigSpace cfg;
  cfg.set(0x102, Width::word, 0x0142);  // type 4 in bits 7:4, version 2 in bits 3:0, bit 8 set
  RegisterCache regs(cfg, kCap);
  EXPECT_TRUE(condition_holds(Condition{.test = capstate::Test::always}, kCap, regs, {}));
  EXPECT_FALSE(condition_holds(Condition{.test = capstate::Test::never}, kCap, regs, {}));
  EXPECT_TRUE(condition_holds(reg_cond(capstate::Test::value_in_set, 0xf0, 4, value_set(4, 6)),
                              kCap, regs, {}));
  EXPECT_FALSE(condition_holds(reg_cond(capstate::Test::value_in_set, 0xf0, 4, value_set(0, 6)),
                               kCap, regs, {}));
  EXPECT_TRUE(
      condition_holds(reg_cond(capstate::Test::value_at_least, 0x0f, 0, 2), kCap, regs, {}));
  EXPECT_FALSE(
      condition_holds(reg_cond(capstate::Test::value_at_least, 0x0f, 0, 3), kCap, regs, {}));
  EXPECT_TRUE(condition_holds(reg_cond(capstate::Test::any_bit_set, 0x0100, 0, 0), kCap, regs, {}));
  EXPECT_FALSE(
      condition_holds(reg_cond(capstate::Test::any_bit_set, 0x0200, 0, 0), kCap, regs, {}));
  // A shifted value of 32 or more is in no set.
  cfg.set(0x102, Width::word, 0xff00);
  RegisterCache fresh(cfg, kCap);
  EXPECT_FALSE(condition_holds(reg_cond(capstate::Test::value_in_set, 0xff00, 8, 0xffffffff), kCap,
                               fresh, {}));
  // Never reads nothing, and the whole register was read exactly once for all the tests above.
  EXPECT_EQ(cfg.reads_by_width[1], 2U);
}

TEST(Presence, CapabilityVersionSource) {
  FakeConfigSpace cfg;
  RegisterCache regs(cfg, kCap);
  Condition c{.test = capstate::Test::value_at_least,
              .source = ValueSource::capability_version,
              .operand = 2};
  EXPECT_TRUE(condition_holds(c, kCap, regs, {}));
  c.operand = 3;
  EXPECT_FALSE(condition_holds(c, kCap, regs, {}));
  EXPECT_EQ(cfg.total_reads(), 0U);
}

TEST(Presence, SavedFieldSource) {
  FakeConfigSpace cfg;
  RegisterCache regs(cfg, kCap);
  const std::array<SavedField, 2> earlier{{{"mode", 0x5, true}, {"absent", 0xff, false}}};
  Condition c{.test = capstate::Test::any_bit_set,
              .source = ValueSource::saved_field,
              .field = "mode",
              .mask = 0x4};
  EXPECT_TRUE(condition_holds(c, kCap, regs, earlier));
  c.mask = 0x2;
  EXPECT_FALSE(condition_holds(c, kCap, regs, earlier));
  c.field = "absent";  // an absent field counts as 0
  c.mask = 0xff;
  EXPECT_FALSE(condition_holds(c, kCap, regs, earlier));
  c.field = "later";
  EXPECT_THAT([&] { condition_holds(c, kCap, regs, earlier); },
              ::testing::ThrowsMessage<PayloadError>(HasSubstr("names field 'later'")));
  EXPECT_EQ(cfg.total_reads(), 0U);
}

// clang-format off
constexpr std::array<Field, 5> kFields{{
    // Always present, 16-bit at +0x08.
    {.name = "a", .offset = 0x08, .width = Width::word, .writable = 0xffff},
    // Same register, another slice: no second read.
    {.name = "a_high", .offset = 0x08, .width = Width::word, .writable = 0},
    // Present only when the flags type is 4.
    {.name = "b", .offset = 0x0c, .width = Width::dword, .presence = {.all_of = {Condition{.test = capstate::Test::value_in_set, .offset = 0x02, .width = Width::word, .mask = 0xf0, .shift = 4, .operand = value_set(4)}}}},
    // Present only when the flags type is 1 (absent in the tests): never read.
    {.name = "c", .offset = 0x10, .width = Width::byte, .presence = {.all_of = {Condition{.test = capstate::Test::value_in_set, .offset = 0x02, .width = Width::word, .mask = 0xf0, .shift = 4, .operand = value_set(1)}}}},
    // Never present.
    {.name = "d", .offset = 0x14, .width = Width::word, .presence = {.all_of = {Condition{.test = capstate::Test::never}}}},
}};
// clang-format on
constexpr Layout kPresent{
    .schema_version = 2, .encoding = Encoding::present_fields, .fields = kFields};
constexpr Layout kAll{.schema_version = 1, .encoding = Encoding::all_fields, .fields = kFields};

FakeConfigSpace demo_device() {
  FakeConfigSpace cfg;
  cfg.set(0x102, Width::word, 0x0042);
  cfg.set(0x108, Width::word, 0xbeef);
  cfg.set(0x10c, Width::dword, 0x11223344);
  cfg.set(0x110, Width::byte, 0x99);
  cfg.set(0x114, Width::word, 0x7777);
  return cfg;
}

TEST(ReadFields, EachDistinctRegisterReadOnceAndAbsentOnesNever) {
  FakeConfigSpace cfg = demo_device();
  RegisterCache regs(cfg, kCap);
  const std::vector<SavedField> got = read_fields(kPresent, kCap, regs);
  ASSERT_EQ(got.size(), 5U);
  EXPECT_EQ(got[0].value, 0xbeefU);
  EXPECT_EQ(got[1].value, 0xbeefU);
  EXPECT_TRUE(got[2].present);
  EXPECT_EQ(got[2].value, 0x11223344U);
  EXPECT_FALSE(got[3].present);
  EXPECT_FALSE(got[4].present);
  // Flags word, field a word, field b dword: three reads, nothing at 0x110 or 0x114.
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 2, 1}));
  EXPECT_EQ(regs.device_reads(), 3U);
  for (const auto& [offset, width] : cfg.log) {
    EXPECT_NE(offset, 0x110);
    EXPECT_NE(offset, 0x114);
  }
}

TEST(ReadFields, RegisterBeyondConfigSpaceIsAnError) {
  FakeConfigSpace cfg(kConventionalSize, "0000:01:00.0");
  RegisterCache regs(cfg, Capability{.offset = 0xf0});
  EXPECT_THAT([&] { regs.read(0x10, Width::dword); },
              ::testing::ThrowsMessage<AccessError>(HasSubstr("0000:01:00.0: register at "
                                                              "capability offset 0x10 (config "
                                                              "offset 0x100)")));
}

std::vector<SavedField> demo_values() {
  return {{"a", 0xbeef, true},
          {"a_high", 0xbeef, true},
          {"b", 0x11223344, true},
          {"c", 0, false},
          {"d", 0, false}};
}

TEST(Pack, PresentFieldsBitmapThenPresentValues) {
  const std::vector<std::uint8_t> expected{
      0x07, 0x00, 0x00, 0x00,  // bitmap: a, a_high, b
      0xef, 0xbe,              // a
      0xef, 0xbe,              // a_high
      0x44, 0x33, 0x22, 0x11,  // b
  };
  EXPECT_EQ(pack_fields(kPresent, demo_values()), expected);
}

TEST(Pack, AllFieldsEveryFieldAbsentOnesAsZero) {
  const std::vector<std::uint8_t> expected{
      0xef, 0xbe,              // a
      0xef, 0xbe,              // a_high
      0x44, 0x33, 0x22, 0x11,  // b
      0x00,                    // c (absent)
      0x00, 0x00,              // d (never)
  };
  EXPECT_EQ(pack_fields(kAll, demo_values()), expected);
}

TEST(Unpack, RoundTripsBothEncodings) {
  const auto present = unpack_payload("demo", kPresent, pack_fields(kPresent, demo_values()));
  ASSERT_EQ(present.fields.size(), 5U);
  EXPECT_EQ(present.fields[2], (FieldValue{"b", 0x11223344, true, Width::dword}));
  EXPECT_EQ(present.fields[3], (FieldValue{"c", 0, false, Width::byte}));
  EXPECT_TRUE(present.extra.empty());
  const auto all = unpack_payload("demo", kAll, pack_fields(kAll, demo_values()));
  // all_fields cannot tell absent from 0: present unless the presence is never.
  EXPECT_EQ(all.fields[3], (FieldValue{"c", 0, true, Width::byte}));
  EXPECT_EQ(all.fields[4], (FieldValue{"d", 0, false, Width::word}));
}

TEST(Unpack, Errors) {
  auto unpack = [](const Layout& l, std::vector<std::uint8_t> bytes) {
    return [l, bytes] { unpack_payload("demo", l, bytes); };
  };
  EXPECT_THAT(unpack(kPresent, {0x07, 0x00}),
              ::testing::ThrowsMessage<PayloadError>(HasSubstr(
                  "plugin 'demo' schema 2: payload of 2 bytes is too short for the 4-byte")));
  EXPECT_THAT(unpack(kPresent, {0x20, 0, 0, 0}),
              ::testing::ThrowsMessage<PayloadError>(HasSubstr("unknown bits 0x20")));
  EXPECT_THAT(unpack(kPresent, {0x04, 0, 0, 0, 0x44, 0x33, 0x22}),
              ::testing::ThrowsMessage<PayloadError>(
                  HasSubstr("payload of 7 bytes ends inside field 'b' (needs bytes 4..7)")));
  EXPECT_THAT(unpack(kAll, {0xef, 0xbe}),
              ::testing::ThrowsMessage<PayloadError>(HasSubstr("ends inside field 'a_high'")));
  std::vector<std::uint8_t> long_payload = pack_fields(kAll, demo_values());
  long_payload.push_back(0xaa);
  EXPECT_THAT(
      unpack(kAll, long_payload),
      ::testing::ThrowsMessage<PayloadError>(HasSubstr(
          "payload has 1 unexpected bytes after the 11 bytes of fields and arrays, and the layout "
          "declares no extra data")));
}

TEST(Unpack, ExtraBytesAreReturned) {
  Layout with_extra = kPresent;
  with_extra.extra = "u8 x";
  std::vector<std::uint8_t> bytes{0x01, 0, 0, 0, 0x34, 0x12, 0xaa, 0xbb};
  const auto got = unpack_payload("demo", with_extra, bytes);
  EXPECT_EQ(got.fields[0].value, 0x1234U);
  EXPECT_EQ(got.extra, (std::vector<std::uint8_t>{0xaa, 0xbb}));
}

TEST(PackNamed, InverseOfUnpack) {
  const std::vector<std::uint8_t> payload = pack_fields(kPresent, demo_values());
  const auto unpacked = unpack_payload("demo", kPresent, payload);
  EXPECT_EQ(pack_named_fields("demo", kPresent, unpacked.fields), payload);
}

TEST(PackNamed, Errors) {
  auto fields = unpack_payload("demo", kPresent, pack_fields(kPresent, demo_values())).fields;
  auto unknown = fields;
  unknown.push_back({"zz", 1, true, Width::word});
  EXPECT_THAT([&] { pack_named_fields("demo", kPresent, unknown); },
              ::testing::ThrowsMessage<PayloadError>(HasSubstr(
                  "unknown field 'zz'; the fields of this schema are: a, a_high, b, c, d")));
  auto missing = fields;
  missing.erase(missing.begin() + 2);
  EXPECT_THAT([&] { pack_named_fields("demo", kPresent, missing); },
              ::testing::ThrowsMessage<PayloadError>(HasSubstr("field 'b' is missing")));
  auto twice = fields;
  twice.push_back(fields[0]);
  EXPECT_THAT([&] { pack_named_fields("demo", kPresent, twice); },
              ::testing::ThrowsMessage<PayloadError>(HasSubstr("field 'a' is given twice")));
  auto wide = fields;
  wide[0].value = 0x10000;
  EXPECT_THAT([&] { pack_named_fields("demo", kPresent, wide); },
              ::testing::ThrowsMessage<PayloadError>(
                  HasSubstr("value 0x10000 of field 'a' does not fit its 16 bits")));
}

}  // namespace
}  // namespace capstate::core
