// The one layout validator (metadata_problem, run when a plugin loads): each problem it reports,
// silence for sound layouts, variants proven exclusive, arrays, equality and header conditions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "registry/metadata_check.hpp"

namespace capstate::core {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::standard, .id = 0x05}}};

// The problem metadata_problem reports for a one-schema plugin with these fields and arrays.
std::string check(std::vector<Field> fields, std::vector<Array> arrays = {},
                  std::uint16_t schema = 1) {
  const Layout layout{.schema_version = schema, .fields = fields, .arrays = arrays};
  const PluginInfo info{.name = "demo",
                        .version = "1",
                        .summary = "",
                        .claims = kHandles,
                        .current_schema = schema,
                        .oldest_schema = schema};
  return metadata_problem(info, std::span<const Layout>(&layout, 1));
}

constexpr Condition bit7_set{.test = capstate::Test::any_bit_set, .offset = 0x02, .mask = 0x0080};
constexpr Condition bit7_clear{
    .test = capstate::Test::equals, .offset = 0x02, .mask = 0x0080, .operand = 0};
constexpr Condition bit8_set{.test = capstate::Test::any_bit_set, .offset = 0x02, .mask = 0x0100};

TEST(Validator, SoundLayoutHasNoProblems) {
  // Two slices of one register with disjoint writable bits are fine.
  EXPECT_THAT(check({{.name = "ctl", .offset = 0x10, .writable = 0xfffc},
                     {.name = "ctl.aspm", .offset = 0x10, .writable = 0x0003},
                     {.name = "wide", .offset = 0x14, .width = Width::dword, .writable = ~0U}}),
              IsEmpty());
}

TEST(Validator, ReportsEachFieldProblem) {
  EXPECT_THAT(check({{.name = "a", .width = static_cast<Width>(3)}}),
              HasSubstr("field 0 'a': width 3 is not 1, 2 or 4"));
  EXPECT_THAT(check({{.name = "a", .offset = 0x11}}), HasSubstr("offset 0x11 is not aligned"));
  EXPECT_THAT(check({{.name = "a", .writable = 0x10000}}),
              HasSubstr("writable mask 0x10000 has bits outside its 16-bit width"));
  EXPECT_THAT(check({{.name = "a", .must_match = 0x10000}}), HasSubstr("must_match mask 0x10000"));
  EXPECT_THAT(check({{.name = "a", .writable = 0x1, .must_match = 0x3}}),
              HasSubstr("identity bits are read-only"));
  EXPECT_THAT(check({{.name = "a"}, {.name = "a", .offset = 2}}),
              HasSubstr("two fields named 'a'"));
  EXPECT_THAT(check({{.name = "Bad name"}}), HasSubstr("the name must start with a-z"));
  EXPECT_THAT(check({{.name = "a", .writable = 0x00ff}, {.name = "b", .writable = 0x0180}}),
              HasSubstr("field 1 'b' (bytes 0x0..0x1, writable 0x180) overlaps field 'a'"));
}

TEST(Validator, ConditionProblems) {
  const Condition later{
      .test = capstate::Test::any_bit_set, .source = ValueSource::saved_field, .field = "b"};
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {later}}}, {.name = "b", .offset = 2}}),
              HasSubstr("presence refers to 'b', which is not an earlier field"));
  const Condition header_beyond{.test = capstate::Test::equals,
                                .source = ValueSource::header_register,
                                .offset = 0x40,
                                .width = Width::dword};
  EXPECT_THAT(
      check({{.name = "a", .presence = {.all_of = {header_beyond}}}}),
      HasSubstr("presence reads header register 0x40 of 4 bytes, misaligned or beyond 0x40"));
  const Condition shift{.test = capstate::Test::value_at_least,
                        .source = ValueSource::capability_version,
                        .shift = 32};
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {shift}}}}),
              HasSubstr("presence shift 32 is 32 or more"));
}

// MSI's 32- and 64-bit forms: the data register sits at 0x08 or 0x0c, the upper address at 0x08.
TEST(Validator, VariantsMayShareBytesWhenTheirPresencesAreExclusive) {
  EXPECT_THAT(check({{.name = "address_hi",
                      .offset = 0x08,
                      .width = Width::dword,
                      .writable = ~0U,
                      .presence = {.all_of = {bit7_set}}},
                     {.name = "data32",
                      .offset = 0x08,
                      .writable = 0xffff,
                      .presence = {.all_of = {bit7_clear}}}}),
              IsEmpty());
  // Set membership against a set that shares no value is exclusive too.
  const Condition in01{.test = capstate::Test::value_in_set,
                       .offset = 0x02,
                       .mask = 0x0180,
                       .shift = 7,
                       .operand = value_set(0, 1)};
  const Condition in23{.test = capstate::Test::value_in_set,
                       .offset = 0x02,
                       .mask = 0x0180,
                       .shift = 7,
                       .operand = value_set(2, 3)};
  EXPECT_THAT(
      check({{.name = "a", .offset = 0x08, .writable = 0xffff, .presence = {.all_of = {in01}}},
             {.name = "b", .offset = 0x08, .writable = 0xffff, .presence = {.all_of = {in23}}}}),
      IsEmpty());
}

TEST(Validator, VariantsThatCanBothBePresentAreRefused) {
  // Different bits: a device may have both.
  EXPECT_THAT(
      check(
          {{.name = "a", .offset = 0x08, .writable = 0xffff, .presence = {.all_of = {bit7_set}}},
           {.name = "b", .offset = 0x08, .writable = 0xffff, .presence = {.all_of = {bit8_set}}}}),
      HasSubstr("or make their presence conditions exclusive"));
  // Overlapping sets.
  const Condition in01{.test = capstate::Test::value_in_set,
                       .offset = 0x02,
                       .mask = 0x3,
                       .operand = value_set(0, 1)};
  const Condition at_least1{
      .test = capstate::Test::value_at_least, .offset = 0x02, .mask = 0x3, .operand = 1};
  EXPECT_THAT(
      check(
          {{.name = "a", .offset = 0x08, .writable = 0xffff, .presence = {.all_of = {in01}}},
           {.name = "b", .offset = 0x08, .writable = 0xffff, .presence = {.all_of = {at_least1}}}}),
      HasSubstr("overlaps field 'a'"));
}

constexpr std::array<Field, 2> kElement{{
    {.name = "lo", .offset = 0, .width = Width::dword, .writable = ~0U},
    {.name = "ctl", .offset = 4, .width = Width::dword, .writable = 0x1},
}};

Array table() {
  return {.name = "entry",
          .saved_name = "entries_saved",
          .count_name = "entries",
          .count = {.field = "size", .mask = 0x7ff, .plus = 1, .max = 2048},
          .place = {.space = Space::bar, .locator = "where"},
          .stride = 8,
          .fields = kElement};
}

TEST(Validator, SoundArrays) {
  EXPECT_THAT(
      check({{.name = "size"}, {.name = "where", .offset = 4, .width = Width::dword}}, {table()}),
      IsEmpty());
  Array in_config = table();
  in_config.place = {.space = Space::config, .offset = 0x10};
  in_config.count = {.constant = 4, .max = 4};
  EXPECT_THAT(check({{.name = "size"}}, {in_config}), IsEmpty());
}

TEST(Validator, ArrayProblems) {
  const std::vector<Field> fields{{.name = "size"},
                                  {.name = "where", .offset = 4, .width = Width::dword}};
  Array a = table();
  a.count.field = "nope";
  EXPECT_THAT(check(fields, {a}), HasSubstr("array 'entry': count field 'nope' is not a field"));
  a = table();
  a.count.max = 70000;
  EXPECT_THAT(check(fields, {a}), HasSubstr("count max 70000 must be 1 to 65535"));
  a = table();
  a.place.locator = "gone";
  EXPECT_THAT(check(fields, {a}), HasSubstr("BAR locator 'gone' is not a field"));
  a = table();
  a.stride = 6;
  EXPECT_THAT(check(fields, {a}), HasSubstr("stride 6 in BAR memory must be a multiple of 4"));
  a.place = {.space = Space::config, .offset = 0x10};
  a.count = {.constant = 4, .max = 4};
  EXPECT_THAT(check(fields, {a}), HasSubstr("ends beyond the element's stride of 6 bytes"));
  a = table();
  a.saved_name = "size";
  EXPECT_THAT(check(fields, {a}), HasSubstr("name 'size' is also a field of the layout"));
  a = table();
  a.place = {.space = Space::config, .offset = 0x100};
  EXPECT_THAT(check(fields, {a}), HasSubstr("reach beyond configuration space"));
  static constexpr std::array<Field, 1> kWordElement{
      {{.name = "w", .offset = 0, .width = Width::word, .writable = 0xffff}}};
  a = table();
  a.fields = kWordElement;
  EXPECT_THAT(check(fields, {a}), HasSubstr("BAR memory is accessed in 32-bit words only"));
  EXPECT_THAT(check(fields, {table(), table()}), HasSubstr("two arrays named 'entry'"));
}

// A config-space table whose offset a field gives (SDK 4): bits 31:24 of "where" in 16-byte
// units, as the VC Arbitration Table Offset.
Array located() {
  Array a = table();
  a.place = {
      .space = Space::config, .locator = "where", .offset_mask = 0xff000000, .unit_shift = 4};
  a.count = {.constant = 16, .max = 16};
  a.stride = 4;
  a.fields = std::span<const Field>(kElement).first(1);
  return a;
}

TEST(Validator, LocatedConfigArrays) {
  const std::vector<Field> fields{{.name = "size"},
                                  {.name = "where", .offset = 4, .width = Width::dword}};
  EXPECT_THAT(check(fields, {located()}), IsEmpty());
  // The static extent check is for constant places only: the located offset is checked when the
  // table is read, so a large table from +0 validates.
  Array a = located();
  a.count = {.constant = 2048, .max = 2048};
  EXPECT_THAT(check(fields, {a}), IsEmpty());
  a.place.locator = {};
  a.place.unit_shift = 0;
  EXPECT_THAT(check(fields, {a}), HasSubstr("reach beyond configuration space"));
  // Variants: three sizes under distinct names validate side by side.
  Array v32 = located();
  v32.name = "arb32";
  v32.saved_name = "arb32_saved";
  v32.count_name = "arb32_dwords";
  v32.count = {.constant = 4, .max = 4};
  Array v64 = located();
  v64.name = "arb64";
  v64.saved_name = "arb64_saved";
  v64.count_name = "arb64_dwords";
  v64.count = {.constant = 8, .max = 8};
  EXPECT_THAT(check(fields, {v32, v64}), IsEmpty());
}

TEST(Validator, LocatedConfigArrayProblems) {
  const std::vector<Field> fields{{.name = "size"},
                                  {.name = "where", .offset = 4, .width = Width::dword}};
  Array a = located();
  a.place.locator = "gone";
  EXPECT_THAT(check(fields, {a}),
              HasSubstr("array 'entry': config locator 'gone' is not a field of the layout"));
  a = located();
  a.place.offset_mask = 0;
  EXPECT_THAT(check(fields, {a}), HasSubstr("config locator 'where' has an empty offset_mask"));
  a = located();
  a.place.locator = "size";  // a 16-bit field cannot hold bits 31:24
  EXPECT_THAT(check(fields, {a}),
              HasSubstr("config locator offset mask 0xff000000 has bits outside its 16-bit width"));
  a = located();
  a.place.unit_shift = 12;
  EXPECT_THAT(check(fields, {a}), HasSubstr("unit_shift 12 counts units of 4 KiB or more"));
  a = located();
  a.place.offset = 0x1000;
  EXPECT_THAT(check(fields, {a}), HasSubstr("offset 0x1000 lies beyond configuration space"));
  a = located();
  a.place.unit_shift = 1;  // 2-byte units could misalign the dwords
  EXPECT_THAT(check(fields, {a}), HasSubstr("element field 'lo' (4 bytes) would be misaligned"));
  a = located();
  a.place.offset = 2;
  EXPECT_THAT(check(fields, {a}), HasSubstr("would be misaligned: offset 0x2"));
  a = located();
  a.stride = 6;
  EXPECT_THAT(check(fields, {a}), HasSubstr("stride 6 must keep it aligned"));
  // unit_shift means nothing without a config locator: refused there, so it never hides in a
  // layout text that does not show it.
  a = located();
  a.place.locator = {};
  a.count = {.constant = 4, .max = 4};
  EXPECT_THAT(check(fields, {a}),
              HasSubstr("unit_shift 4 is for a config array with a locator only"));
  a = table();
  a.place.unit_shift = 4;
  EXPECT_THAT(check(fields, {a}),
              HasSubstr("unit_shift 4 is for a config array with a locator only"));
}

}  // namespace
}  // namespace capstate::core
