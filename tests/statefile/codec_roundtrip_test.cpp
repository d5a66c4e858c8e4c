// encode_state -> decode_state gives back what went in; encode_state refuses what decode would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "samples.hpp"
#include "statefile/codec.hpp"

namespace capstate::core {
namespace {

using test::sample_state;
using ::testing::HasSubstr;

StateFile round_trip(const StateFile& f) {
  return decode_state(encode_state(f), "rt.cst");
}

TEST(StateFileRoundTrip, NoDevices) {
  StateFile f = sample_state(0, 0);
  std::vector<std::uint8_t> bytes = encode_state(f);
  EXPECT_EQ(bytes.size(), format::kMinHeaderLength + 8 + 5 + 14);
  EXPECT_EQ(decode_state(bytes, "empty.cst"), f);
}

TEST(StateFileRoundTrip, EmptyEnvelopeStrings) {
  StateFile f;
  f.envelope.created_unix = -1;  // before the epoch survives as a signed value
  EXPECT_EQ(encode_state(f).size(), format::kMinHeaderLength);
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileRoundTrip, OneDeviceWithoutRecords) {
  StateFile f = sample_state(1, 0);
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileRoundTrip, OneDeviceOneRecord) {
  StateFile f = sample_state(1, 1);
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileRoundTrip, SeveralDevicesAndRecords) {
  StateFile f = sample_state(4, 5);
  StateFile back = round_trip(f);
  EXPECT_EQ(back, f);
  ASSERT_EQ(back.devices.size(), 4u);
  EXPECT_EQ(back.devices[3].records[4].capability.offset, 0x80);
  EXPECT_EQ(back.devices[2].records[1].plugin, "ltr");
}

TEST(StateFileRoundTrip, EmptyPayloads) {
  StateFile f = sample_state(2, 3, 0);
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileRoundTrip, LongPayload) {
  StateFile f = sample_state(1, 2);
  f.devices[0].records[1].payload.assign(1 << 20, 0xa5);
  f.devices[0].records[1].payload.back() = 0x5a;
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileRoundTrip, LongestNamesAndExtremeValues) {
  StateFile f = sample_state(1, 1);
  f.envelope.producer_name = std::string(255, 'p');
  f.envelope.kernel_release = std::string(255, '~');
  f.envelope.created_unix = INT64_MIN;
  f.devices[0].address = {0x10000, 0xff, 31, 7};  // VMD-style domain above 0xffff
  f.devices[0].identity = {0xffff, 0xffff, 0xffff, 0xffff, 0xffffff, 0xff, 0xff};
  f.devices[0].records[0].plugin = std::string(255, ' ');
  // 0xffc: the highest offset a capability can have (offsets are multiples of 4).
  f.devices[0].records[0].capability = {CapKind::extended, 0xffff, 0xffc, 0xff};
  f.devices[0].records[0].schema_version = 0xffff;
  f.devices[0].records[0].fingerprint = UINT64_MAX;
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileRoundTrip, SameCapabilityOnTwoDevicesIsFine) {
  StateFile f = sample_state(2, 1);
  f.devices[1].records = f.devices[0].records;
  EXPECT_EQ(round_trip(f), f);
}

// Version 2: a header record, a region record and records with claims come back as written.
TEST(StateFileRoundTrip, Version2HeaderRegionAndClaims) {
  StateFile f = sample_state(2, 4, 6, 2);
  const Record& header = f.devices[1].records[0];
  ASSERT_EQ(header.capability, (Capability{CapKind::header, 0, 0, 0}));
  ASSERT_EQ(header.claim, "vendor 0x8086, +0x04 == 0x20");
  ASSERT_EQ(f.devices[1].records[2].capability, (Capability{CapKind::region, 0, 0x420, 0}));
  ASSERT_EQ(f.devices[1].records[2].claim, "vendor 0x8086, +0x04 == 0x22");
  ASSERT_EQ(f.devices[1].records[3].claim, "");
  const std::vector<std::uint8_t> bytes = encode_state(f);
  EXPECT_EQ(bytes[format::kVersionOffset], 2);
  EXPECT_EQ(bytes.size(), test::layout_of(f).records.back().end);
  const StateFile back = decode_state(bytes, "rt.cst");
  EXPECT_EQ(back, f);
  EXPECT_EQ(back.envelope.envelope_version, 2);
  EXPECT_EQ(back.devices[1].records[0].capability.kind, CapKind::header);
  EXPECT_EQ(back.devices[1].records[0].claim, "vendor 0x8086, +0x04 == 0x20");
  EXPECT_EQ(back.devices[1].records[2].capability, (Capability{CapKind::region, 0, 0x420, 0}));
  EXPECT_EQ(encode_state(back), bytes);
}

TEST(StateFileRoundTrip, Version2ExtremeTargetsAndLongestClaim) {
  StateFile f = sample_state(1, 3, 2, 2);
  f.devices[0].records[0].claim = std::string(255, '~');
  f.devices[0].records[1].claim = " ";
  f.devices[0].records[2].capability.offset = 0xffc;  // the last dword a region can start at
  EXPECT_EQ(round_trip(f), f);
  f.devices[0].records[2].capability.offset = 0x40;  // the first
  EXPECT_EQ(round_trip(f), f);
}

// Duplicates are one record per kind and offset: a region may share an offset with a capability
// (the registry decides whether they overlap), not with another region.
TEST(StateFileRoundTrip, Version2RegionAtACapabilityOffsetIsNoDuplicate) {
  StateFile f = sample_state(1, 3, 2, 2);
  f.devices[0].records[1].capability = {CapKind::standard, 0x10, 0x80, 0};
  f.devices[0].records[2].capability = {CapKind::region, 0, 0x80, 0};
  EXPECT_EQ(round_trip(f), f);
}

// A file read as version 1 is written back as version 1, byte for byte.
TEST(StateFileRoundTrip, Version1StaysVersion1) {
  StateFile f = sample_state(2, 3);
  ASSERT_EQ(f.envelope.envelope_version, 1);
  const std::vector<std::uint8_t> bytes = encode_state(f);
  EXPECT_EQ(bytes[format::kVersionOffset], 1);
  EXPECT_EQ(bytes.size(), test::layout_of(f).records.back().end);
  const StateFile back = decode_state(bytes, "v1.cst");
  EXPECT_EQ(back.envelope.envelope_version, 1);
  EXPECT_EQ(encode_state(back), bytes);
}

// What decode_state refuses, encode_state refuses to write, naming section and record.
std::string encode_error(const StateFile& f) {
  try {
    encode_state(f, "out.cst");
  } catch (const StateFileError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StateFileEncodeRefuses, EmptyPluginName) {
  StateFile f = sample_state(2, 2);
  f.devices[1].records[1].plugin.clear();
  EXPECT_THAT(encode_error(f), HasSubstr("out.cst: device section 2 (0000:02:00.1), record 2: "
                                         "the plugin name is empty"));
}

TEST(StateFileEncodeRefuses, OverlongAndNonPrintableNames) {
  StateFile f = sample_state(1, 1);
  f.envelope.producer_version = std::string(256, 'v');
  EXPECT_THAT(encode_error(f),
              HasSubstr("the producer version is 256 bytes long; at most 255 are allowed"));
  f = sample_state(1, 1);
  f.devices[0].records[0].plugin = "pc\nie";
  EXPECT_THAT(encode_error(f), HasSubstr("the plugin name has byte 0xa at position 2; only "
                                         "printable ASCII (0x20-0x7e) is allowed"));
}

TEST(StateFileEncodeRefuses, DuplicateRecordAndAddress) {
  StateFile f = sample_state(1, 2);
  f.devices[0].records[1].capability = f.devices[0].records[0].capability;
  EXPECT_THAT(encode_error(f), HasSubstr("record 2: standard capability 0x10 at 0x040 was "
                                         "already saved in record 1"));
  f = sample_state(3, 1);
  f.devices[2].address = f.devices[0].address;
  EXPECT_THAT(encode_error(f),
              HasSubstr("device section 3 (0000:01:00.0): the address is also used "
                        "by device section 1"));
}

TEST(StateFileEncodeRefuses, OutOfRangeValues) {
  StateFile f = sample_state(1, 1);
  f.devices[0].records[0].capability.offset = 0x20;
  EXPECT_THAT(encode_error(f), HasSubstr("standard capabilities live at offsets 0x40-0xff"));
  f = sample_state(1, 1);
  f.devices[0].identity.class_code = 0x1020000;
  EXPECT_THAT(encode_error(f), HasSubstr("class code 0x1020000 does not fit in 24 bits"));
  f = sample_state(1, 1);
  f.devices[0].address.device = 32;
  EXPECT_THAT(encode_error(f), HasSubstr("device number 0x20 is out of range (0x0-0x1f)"));
  f = sample_state(1, 1);
  f.envelope.envelope_version = 3;
  EXPECT_THAT(encode_error(f), HasSubstr("out.cst: envelope version 3 was asked for, but this "
                                         "capstate writes only versions 1 to 2"));
  f.envelope.envelope_version = 0;
  EXPECT_THAT(encode_error(f), HasSubstr("envelope version 0 was asked for"));
}

TEST(StateFileEncodeRefuses, Version1WithAClaim) {
  StateFile f = sample_state(1, 2);
  f.devices[0].records[1].claim = "vendor 0x8086";
  EXPECT_EQ(encode_error(f),
            "out.cst: device section 1 (0000:01:00.0), record 2: extended capability 0x0018 at "
            "0x110: the record has a claim (\"vendor 0x8086\"), which needs envelope "
            "version 2, but the file is being written as version 1 (records without claims); "
            "write it as version 2; nothing was written");
  f.envelope.envelope_version = 2;
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileEncodeRefuses, Version1WithAHeaderOrRegion) {
  StateFile f = sample_state(1, 1);
  f.devices[0].records[0].capability = {CapKind::header, 0, 0, 0};
  EXPECT_EQ(encode_error(f),
            "out.cst: device section 1 (0000:01:00.0), record 1: header target at offset 0x0: a "
            "header record needs envelope version 2, but the file is being written as version 1 "
            "(standard and extended capabilities only); write it as version 2; nothing was "
            "written");
  f.devices[0].records[0].capability = {CapKind::region, 0, 0x400, 0};
  EXPECT_THAT(encode_error(f), HasSubstr("record 1: region at offset 0x400: a region record needs "
                                         "envelope version 2"));
  f.envelope.envelope_version = 2;
  EXPECT_EQ(round_trip(f), f);
}

TEST(StateFileEncodeRefuses, Version2TargetsOutsideTheirRules) {
  StateFile f = sample_state(1, 3, 2, 2);
  Capability& header = f.devices[0].records[0].capability;
  Capability& region = f.devices[0].records[2].capability;
  header.offset = 0x4;
  EXPECT_THAT(encode_error(f), HasSubstr("record 1: header target at offset 0x4: a header record "
                                         "has offset 0 (it covers the configuration header, "
                                         "0x0-0x3f)"));
  header = {CapKind::header, 0x10, 0, 0};
  EXPECT_THAT(
      encode_error(f),
      HasSubstr("record 1: header target (ID 0x10) at offset 0x0: a header record has ID 0"));
  header = {CapKind::header, 0, 0, 1};
  EXPECT_THAT(encode_error(f), HasSubstr("record 1: header target at offset 0x0: a header record "
                                         "has version 0, not 1"));
  header = {CapKind::header, 0, 0, 0};
  region.offset = 0x3c;
  EXPECT_THAT(encode_error(f), HasSubstr("record 3: region at offset 0x3c: regions start at "
                                         "offsets 0x40-0xfff (the configuration header below "
                                         "0x40 is saved as a header record)"));
  region.offset = 0x402;
  EXPECT_THAT(encode_error(f), HasSubstr("record 3: region at offset 0x402: region offsets are "
                                         "multiples of 4 (a region starts on a dword)"));
  region.offset = 0x1000;
  EXPECT_THAT(encode_error(f), HasSubstr("record 3: region at offset 0x1000: the offset is outside "
                                         "configuration space (0x0-0xfff)"));
  region = {CapKind::region, 0, 0x420, 0};
  f.devices[0].records[2].claim = "tab\there";
  EXPECT_THAT(encode_error(f), HasSubstr("record 3: the claim has byte 0x9 at position 3; only "
                                         "printable ASCII (0x20-0x7e) is allowed"));
  f.devices[0].records[2].claim = std::string(256, 'c');
  EXPECT_THAT(encode_error(f),
              HasSubstr("record 3: the claim is 256 bytes long; at most 255 are allowed"));
  f.devices[0].records[2].claim.clear();
  f.devices[0].records[1].capability = region;  // a second region at 0x420
  EXPECT_THAT(encode_error(f), HasSubstr("record 3: region at offset 0x420 was already saved in "
                                         "record 2; each target may be saved once"));
  f.devices[0].records[1].capability = {CapKind::extended, 0x18, 0x110, 1};
  f.devices[0].records[1].capability.kind = static_cast<CapKind>(4);
  EXPECT_THAT(encode_error(f), HasSubstr("record 2: capability kind 4 is none of 0 (standard), 1 "
                                         "(extended), 2 (header) and 3 (region)"));
}

}  // namespace
}  // namespace capstate::core
