// metadata_problem(): every kind of malformed metadata, with the exact text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "registry/metadata_check.hpp"

namespace capstate::core {
namespace {

constexpr std::array<Claim, 1> kCaps{{{.kind = CapKind::extended, .id = 0x0018}}};

// A well-formed starting point that each test breaks in one way.
struct Meta {
  std::vector<Field> fields{{.name = "a", .offset = 0x04, .width = Width::word},
                            {.name = "b", .offset = 0x08, .width = Width::dword}};
  std::vector<Layout> layouts{{.schema_version = 1, .fields = {}}};
  std::vector<Claim> caps{kCaps.begin(), kCaps.end()};
  PluginInfo info{.name = "ltr-x",
                  .version = "1",
                  .summary = "",
                  .claims = {},
                  .current_schema = 1,
                  .oldest_schema = 1};

  std::string problem() {
    for (auto& l : layouts) {
      l.fields = fields;
    }
    info.claims = caps;
    return metadata_problem(info, layouts);
  }
};

const std::string kWho = "metadata malformed: plugin 'ltr-x' ";

TEST(MetadataCheck, WellFormedPasses) {
  Meta m;
  EXPECT_EQ(m.problem(), "");
}

TEST(MetadataCheck, Names) {
  EXPECT_TRUE(valid_plugin_name("pcie_2-x"));
  EXPECT_FALSE(valid_plugin_name("PCIe"));
  EXPECT_FALSE(valid_plugin_name("a.b"));
  EXPECT_FALSE(valid_plugin_name(""));
  Meta m;
  m.info.name = "";
  EXPECT_EQ(m.problem(), "metadata malformed: empty name");
  m.info.name = "lib/x";
  EXPECT_EQ(m.problem(), "metadata malformed: name 'lib/x' must match [a-z0-9_-]+");
}

TEST(MetadataCheck, VersionAndCapabilities) {
  Meta m;
  m.info.version = "";
  EXPECT_EQ(m.problem(), kWho + "has an empty version");
  Meta n;
  n.caps.clear();
  EXPECT_EQ(n.problem(), kWho + "claims no targets");
  Meta d;
  d.caps.push_back({.kind = CapKind::standard, .id = 0x18});  // different kind: fine
  EXPECT_EQ(d.problem(), "");
  d.caps.push_back({.kind = CapKind::extended, .id = 0x18});
  EXPECT_EQ(d.problem(),
            kWho + "claims extended:0x0018 twice with the same specificity (claims 0 and 2)");
}

TEST(MetadataCheck, Claims) {
  static constexpr std::array<std::uint16_t, 1> kIntel{0x8086};
  Meta narrow;  // a vendor's claim beside the generic one: more specific, no conflict
  narrow.caps.push_back({.kind = CapKind::extended, .id = 0x18, .device = {.vendors = kIntel}});
  EXPECT_EQ(narrow.problem(), "");
  Meta header;
  header.caps = {{.kind = CapKind::header, .id = 1}};
  EXPECT_EQ(header.problem(), kWho + "claim 0: a header claim has ID 0, not 0x1");
  Meta region;
  region.caps = {{.kind = CapKind::region, .region_offset = 0x20, .region_size = 0x10}};
  EXPECT_THAT(region.problem(), ::testing::HasSubstr("claim 0: a region claim has ID 0 and a size, "
                                                     "starts at a multiple of 4 at or above 0x40"));
  region.caps = {{.kind = CapKind::region, .region_offset = 0x40, .region_size = 0x40}};
  EXPECT_EQ(region.problem(), "");
  Meta std_id;
  std_id.caps = {{.kind = CapKind::standard, .id = 0x100}};
  EXPECT_EQ(std_id.problem(),
            kWho + "claim 0: standard capability ID 0x100 does not fit in 8 bits");
  Meta by_field;
  by_field.caps = {{.kind = CapKind::extended,
                    .id = 0x0b,
                    .when = {Condition{.test = capstate::Test::equals,
                                       .source = ValueSource::saved_field,
                                       .field = "a"},
                             {},
                             {}}}};
  EXPECT_EQ(by_field.problem(),
            kWho + "claim 0: a claim's conditions read registers, not saved fields");
  Meta revision;
  revision.caps = {
      {.kind = CapKind::extended, .id = 0x0b, .device = {.revision_min = 4, .revision_max = 2}}};
  EXPECT_EQ(revision.problem(), kWho + "claim 0: revision range 0x4-0x2 is empty");
}

TEST(MetadataCheck, SchemaRangeAndLayouts) {
  Meta zero;
  zero.info.oldest_schema = 0;
  EXPECT_EQ(zero.problem(),
            kWho + "has oldest_schema 0, which must be between 1 and current_schema 1");
  Meta above;
  above.info.oldest_schema = 2;
  EXPECT_EQ(above.problem(),
            kWho + "has oldest_schema 2, which must be between 1 and current_schema 1");
  Meta count;
  count.info.current_schema = 3;
  count.layouts.resize(2);
  count.layouts[0].schema_version = 1;
  count.layouts[1].schema_version = 2;
  EXPECT_EQ(count.problem(), kWho + "declares 2 layouts, expected 3 (one per schema 1..3)");
  count.layouts.push_back({.schema_version = 2, .fields = {}});
  EXPECT_EQ(count.problem(), kWho + "layout 2 has schema_version 2, expected 3 (oldest first)");
  count.layouts[2].schema_version = 3;
  EXPECT_EQ(count.problem(), "");
}

TEST(MetadataCheck, Fields) {
  Meta width;
  width.fields[0].width = static_cast<Width>(3);
  EXPECT_EQ(width.problem(), kWho + "schema 1 field 0 'a': width 3 is not 1, 2 or 4");
  Meta align;
  align.fields[1].offset = 0x06;
  EXPECT_EQ(align.problem(),
            kWho + "schema 1 field 1 'b': offset 0x6 is not aligned to its width 4");
  Meta beyond;
  beyond.fields[0] = {.name = "a", .offset = 0x1000, .width = Width::byte};
  EXPECT_EQ(beyond.problem(),
            kWho + "schema 1 field 0 'a': offset 0x1000 + width 1 is beyond 4096");
  Meta w1c;
  w1c.fields[0].w1c = 0x10000;
  EXPECT_EQ(w1c.problem(),
            kWho + "schema 1 field 0 'a': w1c mask 0x10000 has bits outside its 16-bit width");
  Meta verify;
  verify.fields[0] = {.name = "a", .offset = 0x4, .width = Width::byte, .verify = 0x1ff};
  EXPECT_EQ(verify.problem(),
            kWho + "schema 1 field 0 'a': verify mask 0x1ff has bits outside its 8-bit width");
  Meta dup;
  dup.fields[1].name = "a";
  EXPECT_EQ(dup.problem(), kWho + "schema 1 has two fields named 'a'");
  Meta unnamed;
  unnamed.fields[1].name = "";
  EXPECT_EQ(unnamed.problem(), kWho + "schema 1 field 1 '': has an empty name");
}

TEST(MetadataCheck, AtMost32Fields) {
  static const std::array<std::string, 33> names = [] {
    std::array<std::string, 33> n;
    for (std::size_t i = 0; i < n.size(); ++i) {
      n[i] = "f" + std::to_string(i);
    }
    return n;
  }();
  Meta m;
  m.fields.clear();
  for (std::size_t i = 0; i < 32; ++i) {
    m.fields.push_back({.name = names[i], .offset = static_cast<std::uint16_t>(4 * i)});
  }
  EXPECT_EQ(m.problem(), "");
  m.fields.push_back({.name = names[32], .offset = 0x100});
  EXPECT_EQ(m.problem(), kWho + "schema 1 has 33 fields, at most 32");
}

TEST(MetadataCheck, PresenceMustReferToAnEarlierField) {
  Meta m;
  m.fields[0].presence.all_of[0] = {
      .test = capstate::Test::any_bit_set, .source = ValueSource::saved_field, .field = "b"};
  EXPECT_EQ(m.problem(),
            kWho + "schema 1 field 0 'a': presence refers to 'b', which is not an earlier field");
  Meta ok;
  ok.fields[1].presence.all_of[2] = {.test = capstate::Test::value_at_least,
                                     .source = ValueSource::saved_field,
                                     .field = "a",
                                     .operand = 2};
  EXPECT_EQ(ok.problem(), "");
}

}  // namespace
}  // namespace capstate::core
