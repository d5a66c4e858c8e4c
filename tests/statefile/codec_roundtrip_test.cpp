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
  EXPECT_THAT(encode_error(f), HasSubstr("record 2: standard capability 0x10 at offset 0x40 was "
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
  f.envelope.envelope_version = 2;
  EXPECT_THAT(encode_error(f), HasSubstr("this capstate writes only version 1"));
}

}  // namespace
}  // namespace capstate::core
