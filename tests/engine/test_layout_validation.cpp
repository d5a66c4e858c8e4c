// validate_layout: each problem it reports, and silence for a sound layout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "engine/field_codec.hpp"

namespace capstate::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> check(std::vector<Field> fields, std::uint16_t schema = 1) {
  const Layout layout{.schema_version = schema, .fields = fields};
  return validate_layout("demo", layout);
}

TEST(ValidateLayout, SoundLayoutHasNoProblems) {
  // Two slices of one register with disjoint writable bits are fine.
  EXPECT_THAT(check({{.name = "ctl", .offset = 0x10, .writable = 0xfffc},
                     {.name = "ctl.aspm", .offset = 0x10, .writable = 0x0003},
                     {.name = "wide", .offset = 0x14, .width = Width::dword, .writable = ~0U}}),
              IsEmpty());
}

TEST(ValidateLayout, ReportsEachProblem) {
  EXPECT_THAT(check({{.name = "a"}}, 0),
              ElementsAre(HasSubstr("plugin 'demo' schema 0: schema version 0 is reserved")));
  EXPECT_THAT(check({{.name = "a", .width = static_cast<Width>(3)}}),
              ElementsAre(HasSubstr("field 'a': width 3 is not 1, 2 or 4 bytes")));
  EXPECT_THAT(check({{.name = "a", .offset = 0x11}}),
              ElementsAre(HasSubstr("field 'a': offset 0x11 is not aligned to its 16-bit width")));
  EXPECT_THAT(check({{.name = "a", .offset = 0xffe, .width = Width::dword}}),
              ElementsAre(HasSubstr("not aligned"), HasSubstr("beyond the 4096-byte")));
  EXPECT_THAT(
      check({{.name = "a", .writable = 0x10000}}),
      ElementsAre(HasSubstr("field 'a': writable mask 0x10000 has bits beyond the 16-bit")));
  EXPECT_THAT(check({{.name = "a", .width = Width::byte, .w1c = 0x100}}),
              ElementsAre(HasSubstr("w1c mask 0x100 has bits beyond the 8-bit")));
  EXPECT_THAT(check({{.name = "a", .verify = 0x1ffff}}),
              ElementsAre(HasSubstr("verify mask 0x1ffff")));
  EXPECT_THAT(check({{.name = "a"}, {.name = "a", .offset = 2}}),
              ElementsAre(HasSubstr("field 'a': duplicate field name")));
  EXPECT_THAT(check({{.name = "Bad name"}}), ElementsAre(HasSubstr("name must start with a-z")));
  EXPECT_THAT(check({{.name = "a", .writable = 0x00ff}, {.name = "b", .writable = 0x0180}}),
              ElementsAre(HasSubstr("field 'b': overlaps field 'a' and both make the same bits")));
  // Overlap across widths: byte 0x11 of the dword at 0x10 is bits 15:8.
  EXPECT_THAT(check({{.name = "a", .offset = 0x10, .width = Width::dword, .writable = 0x0100},
                     {.name = "b", .offset = 0x11, .width = Width::byte, .writable = 0x01}}),
              ElementsAre(HasSubstr("overlaps field 'a'")));
  EXPECT_THAT(check({{.name = "a", .offset = 0x10, .width = Width::dword, .writable = 0x0100},
                     {.name = "b", .offset = 0x12, .width = Width::byte, .writable = 0x01}}),
              IsEmpty());
}

TEST(ValidateLayout, TooManyFields) {
  std::vector<std::string> names;
  std::vector<Field> fields;
  for (int i = 0; i < 33; ++i) {
    names.push_back("f" + std::to_string(i));
  }
  for (int i = 0; i < 33; ++i) {
    fields.push_back({.name = names[i], .offset = static_cast<std::uint16_t>(2 * i)});
  }
  EXPECT_THAT(check(fields), ElementsAre(HasSubstr("33 fields; a layout has at most 32")));
}

TEST(ValidateLayout, ConditionProblems) {
  const Condition later{
      .test = capstate::Test::any_bit_set, .source = ValueSource::saved_field, .field = "b"};
  const Condition unknown{
      .test = capstate::Test::any_bit_set, .source = ValueSource::saved_field, .field = "zz"};
  const Condition self{
      .test = capstate::Test::any_bit_set, .source = ValueSource::saved_field, .field = "a"};
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {later}}}, {.name = "b", .offset = 2}}),
              ElementsAre(HasSubstr("field 'a': presence names field 'b', which is not earlier")));
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {unknown}}}}),
              ElementsAre(HasSubstr("presence names field 'zz', which does not exist")));
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {self}}}}),
              ElementsAre(HasSubstr("names field 'a', which is not earlier")));
  const Condition bad_reg{
      .test = capstate::Test::any_bit_set, .offset = 0x03, .width = Width::word, .mask = 0x10000};
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {bad_reg}}}}),
              ElementsAre(HasSubstr("presence register: offset 0x3 is not aligned"),
                          HasSubstr("presence register: condition mask 0x10000")));
  const Condition shift{.test = capstate::Test::value_at_least,
                        .source = ValueSource::capability_version,
                        .shift = 32};
  EXPECT_THAT(check({{.name = "a", .presence = {.all_of = {shift}}}}),
              ElementsAre(HasSubstr("presence shift 32 is 32 or more")));
}

}  // namespace
}  // namespace capstate::core
