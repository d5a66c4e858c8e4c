// Canonical layout text and fingerprints.
#include <gtest/gtest.h>

#include <array>
#include <boost/crc.hpp>
#include <functional>
#include <set>
#include <string>

#include "engine/layout_text.hpp"

namespace capstate::core {
namespace {

// clang-format off
constexpr std::array<Field, 2> kDemoFields{{
    // A 16-bit control register with one W1C bit.
    {.name = "control", .offset = 0x04, .width = Width::word, .writable = 0x00ff, .w1c = 0x0100, .verify = 0x00ff},
    // A 32-bit register guarded by all three kinds of source, restored in phase 7.
    {.name = "status", .offset = 0x08, .width = Width::dword, .verify = 0xffff0000,
     .presence = {.all_of = {
         Condition{.test = capstate::Test::value_in_set, .offset = 0x02, .width = Width::word, .mask = 0xf0, .shift = 4, .operand = value_set(0, 4)},
         Condition{.test = capstate::Test::value_at_least, .source = ValueSource::capability_version, .operand = 2},
         Condition{.test = capstate::Test::any_bit_set, .source = ValueSource::saved_field, .field = "control", .mask = 0x1}}},
     .phase = 7},
}};
// clang-format on

constexpr Layout kDemo{.schema_version = 3,
                       .encoding = Encoding::present_fields,
                       .fields = kDemoFields,
                       .extra = "u8 tail"};

TEST(LayoutText, CanonicalTextIsExact) {
  const std::string expected =
      "capstate-layout 1\n"
      "plugin demo\n"
      "schema 3\n"
      "encoding present_fields\n"
      "fields 2\n"
      "field control offset=0x0004 width=16 writable=0x000000ff w1c=0x00000100 "
      "verify=0x000000ff phase=0 present=always\n"
      "field status offset=0x0008 width=32 writable=0x00000000 w1c=0x00000000 "
      "verify=0xffff0000 phase=7 present=[(reg16@0x0002 & 0x000000f0) >> 4 in {0,4}] and "
      "[(cap_version & 0xffffffff) >> 0 >= 2] and [(field:control & 0x00000001) >> 0 != 0]\n"
      "extra u8 tail\n"
      "end\n";
  EXPECT_EQ(canonical_layout_text("demo", kDemo), expected);
}

TEST(LayoutText, NeverAndEmptyExtraAndEscapes) {
  constexpr std::array<Field, 1> fields{
      {{.name = "gone",
        .offset = 0x38,
        .presence = {.all_of = {Condition{.test = capstate::Test::never}}}}}};
  const Layout never{.schema_version = 1, .encoding = Encoding::all_fields, .fields = fields};
  const std::string text = canonical_layout_text("p", never);
  EXPECT_NE(text.find("encoding all_fields\n"), std::string::npos);
  EXPECT_NE(text.find(" phase=0 present=never\n"), std::string::npos);
  EXPECT_NE(text.find("\nextra none\nend\n"), std::string::npos);
  const Layout escaped{.schema_version = 1, .fields = fields, .extra = "a\nb\\c"};
  EXPECT_NE(canonical_layout_text("p", escaped).find("\nextra a\\nb\\\\c\nend\n"),
            std::string::npos);
}

TEST(LayoutText, FingerprintIsCrc64XzOfTheText) {
  // Computed independently from the expected text above with a bit-by-bit CRC-64/XZ (reflected
  // polynomial 0xc96c5795d7870f42, init and xorout all ones) in Python; the same routine gives
  // the standard check value 0x995dc9bbdf1939fa for "123456789".
  EXPECT_EQ(layout_fingerprint("demo", kDemo), 0xd9bb60c2fe72ad09ULL);
}

// CRC-64/XZ of `text` by Boost.CRC, independent of the engine's own table code.
std::uint64_t boost_crc64(const std::string& text) {
  boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true> crc;
  crc.process_bytes(text.data(), text.size());
  return crc.checksum();
}

TEST(LayoutText, StreamedFingerprintEqualsCrcOfTheText) {
  // The fingerprint is hashed straight from the text writer; it must equal the CRC of the text,
  // including texts longer than the writer's 512-byte buffer and odd lengths.
  std::array<Field, 32> many{};
  for (std::size_t i = 0; i < many.size(); ++i) {
    many[i] = kDemoFields[i % 2];
    many[i].offset = static_cast<std::uint16_t>(4 * i);
  }
  for (std::size_t n = 0; n <= many.size(); ++n) {
    const Layout layout{.schema_version = static_cast<std::uint16_t>(n + 1),
                        .fields = std::span<const Field>(many).first(n),
                        .extra = n % 3 == 0 ? "" : "a\nb"};
    const std::string text = canonical_layout_text("p" + std::string(n, 'x'), layout);
    EXPECT_EQ(layout_fingerprint("p" + std::string(n, 'x'), layout), boost_crc64(text))
        << n << " fields, " << text.size() << " bytes";
  }
  EXPECT_EQ(boost_crc64(canonical_layout_text("demo", kDemo)), 0xd9bb60c2fe72ad09ULL);
}

TEST(LayoutText, Crc64XzIsTheOneChecksumBehindEveryFingerprint) {
  // The catalogue check value of CRC-64/XZ, the empty text, and texts around the 8-byte steps and
  // the 512-byte buffer of the engine's implementation, against Boost.CRC.
  EXPECT_EQ(crc64_xz("123456789"), 0x995dc9bbdf1939faULL);
  EXPECT_EQ(crc64_xz(""), 0U);
  for (const std::size_t n : {1U, 7U, 8U, 9U, 511U, 512U, 513U, 1500U}) {
    std::string text(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
      text[i] = static_cast<char>((i * 131 + 7) & 0xff);
    }
    EXPECT_EQ(crc64_xz(text), boost_crc64(text)) << n << " bytes";
  }
  const std::string canonical = canonical_layout_text("demo", kDemo);
  EXPECT_EQ(crc64_xz(canonical), layout_fingerprint("demo", kDemo));
}

TEST(LayoutText, FingerprintChangesWithEveryProperty) {
  using Mutation = std::function<void(Field&, Layout&)>;
  const std::vector<std::pair<std::string, Mutation>> mutations = {
      {"offset", [](Field& f, Layout&) { f.offset = 0x0c; }},
      {"width", [](Field& f, Layout&) { f.width = Width::word; }},
      {"writable", [](Field& f, Layout&) { f.writable = 0x1; }},
      {"w1c", [](Field& f, Layout&) { f.w1c = 0x1; }},
      {"verify", [](Field& f, Layout&) { f.verify = 0xffff0001; }},
      {"presence operand", [](Field& f, Layout&) { f.presence.all_of[0].operand = value_set(0); }},
      {"presence mask", [](Field& f, Layout&) { f.presence.all_of[1].mask = 0xf; }},
      {"presence source",
       [](Field& f, Layout&) { f.presence.all_of[1].source = ValueSource::capability_register; }},
      {"presence test",
       [](Field& f, Layout&) { f.presence.all_of[2].test = capstate::Test::never; }},
      {"presence dropped", [](Field& f, Layout&) { f.presence.all_of[2] = Condition{}; }},
      {"phase", [](Field& f, Layout&) { f.phase = 8; }},
      {"name", [](Field& f, Layout&) { f.name = "state"; }},
      {"encoding", [](Field&, Layout& l) { l.encoding = Encoding::all_fields; }},
      {"extra", [](Field&, Layout& l) { l.extra = "u8 tail2"; }},
      {"schema", [](Field&, Layout& l) { l.schema_version = 4; }},
  };
  const std::uint64_t base = layout_fingerprint("demo", kDemo);
  std::set<std::uint64_t> seen{base};
  for (const auto& [what, mutate] : mutations) {
    std::array<Field, 2> fields = kDemoFields;
    Layout layout = kDemo;
    mutate(fields[1], layout);
    layout.fields = fields;
    const std::uint64_t fp = layout_fingerprint("demo", layout);
    EXPECT_NE(fp, base) << what;
    EXPECT_TRUE(seen.insert(fp).second) << what << " collides with another mutation";
  }
  EXPECT_NE(layout_fingerprint("demo2", kDemo), base) << "plugin name";
}

}  // namespace
}  // namespace capstate::core
