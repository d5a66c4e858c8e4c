// The TOML form of envelope version 2 records: header and region kinds and the claim, printed by
// state_to_toml (capstate inspect) and read back by state_from_toml (capstate assemble). Records
// no loaded plugin decodes are printed with their raw payload, so no plugin is needed here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "registry/registry.hpp"
#include "statefile/codec.hpp"
#include "statetext/state_text_error.hpp"
#include "statetext/state_toml.hpp"
#include "statetext/state_view.hpp"

namespace capstate::core {
namespace {

using ::testing::HasSubstr;

Record raw_record(Capability cap, std::string plugin, std::string claim,
                  std::vector<std::uint8_t> payload) {
  Record r;
  r.capability = cap;
  r.plugin = std::move(plugin);
  r.schema_version = 1;
  r.fingerprint = 0x8877665544332211ULL;
  r.payload = std::move(payload);
  r.claim = std::move(claim);
  return r;
}

// One device with a header record (with a claim), a region record (no claim) and a standard
// capability whose claim needs TOML escapes.
StateFile targets_state(std::uint16_t envelope_version = 2) {
  StateFile f;
  f.envelope.envelope_version = envelope_version;
  f.envelope.producer_name = "capstate";
  f.envelope.producer_version = "0.1.0";
  f.envelope.created_unix = 1600000000;
  f.envelope.kernel_release = "6.1.0";
  DeviceSection s;
  s.address = {0, 0x01, 0x00, 0};
  s.identity = {0x8086, 0x1533, 0x8086, 0x0001, 0x020000, 0x03, 0x00};
  s.records.push_back(raw_record({CapKind::header, 0, 0, 0}, "hdr", "class 0x0c0330", {6, 4}));
  s.records.push_back(raw_record({CapKind::region, 0, 0x400, 0}, "quirk", "", {0xaa, 0xbb}));
  s.records.push_back(
      raw_record({CapKind::standard, 0x10, 0x40, 0}, "pcie", R"(say "hi" \o/)", {0x2f, 0}));
  f.devices.push_back(s);
  return f;
}

const Registry& no_plugins() {
  static const Registry registry = Registry::from_plugins({});
  return registry;
}

std::string inspect(const StateFile& f) {
  return state_to_toml(view_state(f, no_plugins()));
}

StateFile assemble(const std::string& text) {
  return unview_state(state_from_toml(text, "t.toml"), no_plugins());
}

constexpr const char* kTargetsToml = R"(# capstate state file, as printed by 'capstate inspect'.
# 'capstate assemble' turns this text back into the same binary file.
[envelope]
envelope_version = 2
producer = "capstate"
producer_version = "0.1.0"
created_unix = 1600000000  # 2020-09-13T12:26:40Z
kernel_release = "6.1.0"

[[devices]]
address = "0000:01:00.0"
vendor_id = 0x8086
device_id = 0x1533
subsystem_vendor_id = 0x8086
subsystem_id = 0x0001
class = 0x020000
revision = 0x03
header_type = 0x00

[[devices.records]]
kind = "header"
id = 0x0000
offset = 0x000
capability_version = 0
plugin = "hdr"
claim = "class 0x0c0330"
schema_version = 1
fingerprint = "0x8877665544332211"
# not decoded: no plugin named 'hdr' is loaded
decode_error = "no plugin named 'hdr' is loaded"
payload = "0604"

[[devices.records]]
kind = "region"
id = 0x0000
offset = 0x400
capability_version = 0
plugin = "quirk"
schema_version = 1
fingerprint = "0x8877665544332211"
# not decoded: no plugin named 'quirk' is loaded
decode_error = "no plugin named 'quirk' is loaded"
payload = "aabb"

[[devices.records]]
kind = "standard"
id = 0x10
offset = 0x040
capability_version = 0
plugin = "pcie"
claim = "say \"hi\" \\o/"
schema_version = 1
fingerprint = "0x8877665544332211"
# not decoded: no plugin named 'pcie' is loaded
decode_error = "no plugin named 'pcie' is loaded"
payload = "2f00"
)";

TEST(StateToml, PrintsHeaderAndRegionKindsAndClaims) {
  EXPECT_EQ(inspect(targets_state()), kTargetsToml);
}

TEST(StateToml, ReadsHeaderAndRegionKindsAndClaimsBack) {
  const StateView view = state_from_toml(kTargetsToml, "t.toml");
  ASSERT_EQ(view.devices.size(), 1u);
  const std::vector<RecordView>& records = view.devices[0].records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].record.capability, (Capability{CapKind::header, 0, 0, 0}));
  EXPECT_EQ(records[0].record.claim, "class 0x0c0330");
  EXPECT_EQ(records[1].record.capability, (Capability{CapKind::region, 0, 0x400, 0}));
  EXPECT_EQ(records[1].record.claim, "");  // no claim key: no claim
  EXPECT_EQ(records[2].record.claim, R"(say "hi" \o/)");
  EXPECT_EQ(assemble(kTargetsToml), targets_state());
}

// inspect -> assemble of a version 2 file gives the same bytes.
TEST(StateToml, Version2RoundTripIsByteIdentical) {
  const std::vector<std::uint8_t> bytes = encode_state(targets_state());
  const StateFile decoded = decode_state(bytes, "targets.cst");
  const StateFile back = assemble(inspect(decoded));
  EXPECT_EQ(back, decoded);
  EXPECT_EQ(encode_state(back), bytes);
}

// A version 1 file prints no claim key and assembles to the same version 1 bytes.
TEST(StateToml, Version1PrintsNoClaim) {
  StateFile f = targets_state(1);
  f.devices[0].records.erase(f.devices[0].records.begin(), f.devices[0].records.begin() + 2);
  f.devices[0].records[0].claim.clear();
  const std::vector<std::uint8_t> bytes = encode_state(f);
  const std::string text = inspect(decode_state(bytes, "v1.cst"));
  EXPECT_THAT(text, HasSubstr("envelope_version = 1\n"));
  EXPECT_THAT(text, HasSubstr("plugin = \"pcie\"\nschema_version = 1\n"));
  EXPECT_EQ(text.find("claim"), std::string::npos) << text;
  EXPECT_EQ(encode_state(assemble(text)), bytes);
}

// The JSON form carries the claim too, only where there is one.
TEST(StateToml, JsonHasTheClaimWhereThereIsOne) {
  const auto json = nlohmann::json::parse(state_to_json(view_state(targets_state(), no_plugins())));
  const auto& records = json.at("devices").at(0).at("records");
  EXPECT_EQ(records.at(0).at("kind"), "header");
  EXPECT_EQ(records.at(0).at("claim"), "class 0x0c0330");
  EXPECT_EQ(records.at(1).at("kind"), "region");
  EXPECT_EQ(records.at(1).at("offset"), 0x400);
  EXPECT_FALSE(records.at(1).contains("claim"));
}

std::string with_record_line(const std::string& from, const std::string& to) {
  std::string text = kTargetsToml;
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

std::string text_error(const std::string& text) {
  try {
    (void)assemble(text);
  } catch (const StateTextError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(StateToml, UnknownKindIsRefused) {
  EXPECT_EQ(text_error(with_record_line("kind = \"region\"", "kind = \"Region\"")),
            "t.toml:34:8: devices[0].records[1]: 'kind' must be \"standard\", \"extended\", "
            "\"header\" or \"region\"");
}

TEST(StateToml, ClaimMustBeAString) {
  EXPECT_EQ(text_error(with_record_line("claim = \"class 0x0c0330\"", "claim = 7")),
            "t.toml:26:9: devices[0].records[0]: 'claim' must be a string");
}

// The text reads back, but the encoder refuses what the envelope version cannot hold.
TEST(StateToml, EncodingRefusesWhatTheVersionCannotHold) {
  const StateFile v1 = assemble(with_record_line("envelope_version = 2", "envelope_version = 1"));
  try {
    (void)encode_state(v1, "t.cst");
    FAIL() << "a version 1 file with a header record was written";
  } catch (const StateFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("t.cst: device section 1 (0000:01:00.0), record 1: header "
                                    "target at offset 0x0: a header record needs envelope "
                                    "version 2"));
  }
  const StateFile control =
      assemble(with_record_line("claim = \"class 0x0c0330\"", "claim = \"class\\u0007\""));
  try {
    (void)encode_state(control, "t.cst");
    FAIL() << "a claim with a control character was written";
  } catch (const StateFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("record 1: the claim has byte 0x7 at position 5; only "
                                    "printable ASCII (0x20-0x7e) is allowed"));
  }
  const StateFile low_region = assemble(with_record_line("offset = 0x400", "offset = 0x03c"));
  try {
    (void)encode_state(low_region, "t.cst");
    FAIL() << "a region below 0x40 was written";
  } catch (const StateFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("record 2: region at offset 0x3c: regions start at offsets "
                                    "0x40-0xfff"));
  }
}

}  // namespace
}  // namespace capstate::core
