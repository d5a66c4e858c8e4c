// Deliberately malformed files, each refused with a message that says exactly what is wrong.
// Files are patched and then resealed (checksums recomputed) so each reaches the check it targets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alloc_tracker.hpp"
#include "samples.hpp"
#include "statefile/codec.hpp"

namespace capstate::core {
namespace {

using test::put_le;
using ::testing::HasSubstr;

class StateFileHostile : public ::testing::Test {
 protected:
  /// Decodes `bad`, expecting refusal; returns the message and checks nothing big was allocated.
  std::string refusal(const std::vector<std::uint8_t>& bad) {
    test::reset_largest_allocation();
    std::string message = "(accepted)";
    try {
      decode_state(bad, "bad.cst");
    } catch (const StateFileError& e) {
      message = e.what();
    }
    EXPECT_LT(test::largest_allocation(), 4096u) << "for: " << message;
    return message;
  }
  /// Switches to a sample file of `devices` x `records` with `payload`-byte payloads, written in
  /// envelope version `version`.
  void use(std::size_t devices, std::size_t records, std::size_t payload = 4,
           std::uint16_t version = 1) {
    file = test::sample_state(devices, records, payload, version);
    bytes = encode_state(file);
    layout = test::layout_of(file);
  }
  std::size_t section(std::size_t i) const { return layout.section_begin.at(i); }
  const test::RecordExtent& record(std::size_t i) const { return layout.records.at(i); }
  /// Offset of the payload length field of record `i` (all sample plugin names known).
  std::size_t payload_length_at(std::size_t i) const {
    const auto& r = record(i);
    std::size_t name = bytes[r.begin + 10];
    std::size_t claim = bytes[8] >= 2 ? 1 + bytes[r.begin + 11 + name] : 0;
    return r.begin + 11 + name + claim + 10;
  }
  /// Offset of the claim length field of record `i` (version 2 files).
  std::size_t claim_at(std::size_t i) const {
    return record(i).begin + 11 + bytes[record(i).begin + 10];
  }

  StateFile file;
  std::vector<std::uint8_t> bytes;
  test::Layout layout;
  void SetUp() override { use(1, 1); }
};

// The guard above only means something if the tracker sees the library's allocations.
TEST_F(StateFileHostile, AllocationTrackerSeesTheDecoder) {
  use(1, 1, 100000);
  test::reset_largest_allocation();
  StateFile back = decode_state(bytes, "big.cst");
  EXPECT_GE(test::largest_allocation(), 100000u);
  EXPECT_EQ(back, file);
}

TEST_F(StateFileHostile, WrongMagic) {
  std::vector<std::uint8_t> bad = bytes;
  std::copy_n("CAPSTATE", 8, bad.begin());
  EXPECT_THAT(refusal(bad),
              HasSubstr("bad.cst: byte 0x0: not a capstate state file: it starts with "
                        "43 41 50 53 54 41 54 45 instead of 89 43 53 54 0d 0a 1a 0a"));
}

TEST_F(StateFileHostile, TextModeDamageIsCaughtByTheMagic) {
  std::vector<std::uint8_t> bad = bytes;
  bad.erase(bad.begin() + 4);  // CR LF -> LF, as a text-mode copy does
  EXPECT_THAT(refusal(bad), HasSubstr("not a capstate state file: it starts with 89 43 53 54 0a"));
}

TEST_F(StateFileHostile, FutureEnvelopeVersion) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, 0x08, 3, 2);
  EXPECT_THAT(
      refusal(bad),
      HasSubstr("bad.cst: byte 0x8: envelope version 3 is newer than this capstate reads (up "
                "to version 2): it was written by a newer capstate (capstate 0.1.0); "
                "upgrade capstate to read it"));
  use(1, 1, 4, 2);
  bad = bytes;
  put_le(bad, 0x08, 0xffff, 2);
  EXPECT_THAT(refusal(bad),
              HasSubstr("envelope version 65535 is newer than this capstate reads (up "
                        "to version 2)"));
}

// A version 1 file is read with version 1 rules: a claim length byte there would be taken for
// the schema version, so changing only the version field of a version 2 file breaks it.
TEST_F(StateFileHostile, VersionFieldDecidesTheRecordLayout) {
  use(1, 1, 4, 2);
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, 0x08, 1, 2);
  test::reseal_file(bad);
  // Read as version 1, the claim's length (28) and first letter ('v') become the schema version
  // and "8086" of the claim the payload length.
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x7c, device section 1 (0000:01:00.0), record "
                                      "1: payload length 909652024 (0x36383038) exceeds the 33 "
                                      "bytes left in the record"));
  use(1, 1);
  bad = bytes;
  put_le(bad, 0x08, 2, 2);
  test::reseal_file(bad);
  // Read as version 2, the schema version (1, 0) becomes a claim of one byte 0x00.
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x70, device section 1 (0000:01:00.0), record "
                                      "1: the claim has byte 0x0 at position 0; only printable "
                                      "ASCII (0x20-0x7e) is allowed"));
}

TEST_F(StateFileHostile, Version1FileWithHeaderOrRegionKind) {
  auto with_kind = [&](std::uint8_t kind, std::uint16_t offset) {
    std::vector<std::uint8_t> bad = bytes;
    bad[record(0).begin + 4] = kind;
    put_le(bad, record(0).begin + 5, 0, 2);
    put_le(bad, record(0).begin + 7, offset, 2);
    test::reseal_record(bad, record(0).begin, record(0).end);
    return refusal(bad);
  };
  EXPECT_EQ(with_kind(2, 0),
            "bad.cst: byte 0x65, device section 1 (0000:01:00.0), record 1: capability kind 2 is "
            "neither 0 (standard) nor 1 (extended); kind 2 (header) exists only from envelope "
            "version 2 on, and this file is version 1; the file is truncated or corrupt — save "
            "the device again");
  EXPECT_THAT(with_kind(3, 0x400),
              HasSubstr("record 1: capability kind 3 is neither 0 (standard) nor 1 (extended); "
                        "kind 3 (region) exists only from envelope version 2 on"));
}

TEST_F(StateFileHostile, Version2HeaderAndRegionRules) {
  use(1, 3, 4, 2);  // record 1: the header; record 3: a region at 0x420
  auto patched = [&](std::size_t rec, std::size_t field, std::uint64_t value, int width) {
    std::vector<std::uint8_t> bad = bytes;
    put_le(bad, record(rec).begin + field, value, width);
    test::reseal_record(bad, record(rec).begin, record(rec).end);
    return refusal(bad);
  };
  EXPECT_EQ(patched(0, 7, 0x4, 2),
            "bad.cst: byte 0x65, device section 1 (0000:01:00.0), record 1: header target at "
            "offset 0x4: a header record has offset 0 (it covers the configuration header, "
            "0x0-0x3f); the file is truncated or corrupt — save the device again");
  EXPECT_THAT(
      patched(0, 5, 0x1, 2),
      HasSubstr("record 1: header target (ID 0x1) at offset 0x0: a header record has ID 0"));
  EXPECT_THAT(patched(0, 9, 0x2, 1),
              HasSubstr("record 1: header target at offset 0x0: a header record has version 0, "
                        "not 2"));
  EXPECT_THAT(patched(2, 7, 0x3c, 2),
              HasSubstr("record 3: region at offset 0x3c: regions start at offsets 0x40-0xfff"));
  EXPECT_THAT(patched(2, 7, 0x0, 2), HasSubstr("record 3: region at offset 0x0: regions start at"));
  EXPECT_THAT(patched(2, 7, 0x422, 2),
              HasSubstr("record 3: region at offset 0x422: region offsets are multiples of 4"));
  EXPECT_THAT(patched(2, 7, 0x1000, 2),
              HasSubstr("record 3: region at offset 0x1000: the offset is outside configuration "
                        "space (0x0-0xfff)"));
  EXPECT_THAT(patched(2, 5, 0x11, 2),
              HasSubstr("record 3: region (ID 0x11) at offset 0x420: a region record has ID 0"));
  EXPECT_THAT(patched(1, 4, 4, 1),
              HasSubstr("record 2: capability kind 4 is none of 0 (standard), 1 (extended), 2 "
                        "(header) and 3 (region)"));
  // Standard and extended capabilities keep their rules in version 2.
  EXPECT_THAT(patched(1, 7, 0xfc, 2),
              HasSubstr("record 2: extended capability 0x0018 at 0x0fc: extended capabilities "
                        "live at offsets 0x100-0xfff"));
}

TEST_F(StateFileHostile, Version2DuplicateTargets) {
  use(1, 4, 4, 2);
  // Record 2 (extended 0x18 at 0x110) becomes a second header.
  std::vector<std::uint8_t> bad = bytes;
  bad[record(1).begin + 4] = 2;
  put_le(bad, record(1).begin + 5, 0, 2);
  put_le(bad, record(1).begin + 7, 0, 2);
  bad[record(1).begin + 9] = 0;
  test::reseal_record(bad, record(1).begin, record(1).end);
  EXPECT_THAT(refusal(bad),
              HasSubstr("byte 0xa9, device section 1 (0000:01:00.0), record 2: header "
                        "target at offset 0x0 was already saved in record 1; each "
                        "target may be saved only once"));
  // Record 4 (extended 0x18 at 0x130) becomes a region at 0x420, like record 3.
  bad = bytes;
  bad[record(3).begin + 4] = 3;
  put_le(bad, record(3).begin + 5, 0, 2);
  put_le(bad, record(3).begin + 7, 0x420, 2);
  bad[record(3).begin + 9] = 0;
  test::reseal_record(bad, record(3).begin, record(3).end);
  EXPECT_THAT(refusal(bad),
              HasSubstr("record 4: region at offset 0x420 was already saved in record "
                        "3; each target may be saved only once"));
  // A region at a capability's offset is a different target.
  bad = bytes;
  put_le(bad, record(2).begin + 7, 0x110, 2);
  test::reseal_record(bad, record(2).begin, record(2).end);
  EXPECT_EQ(decode_state(bad, "ok.cst").devices[0].records[2].capability,
            (Capability{CapKind::region, 0, 0x110, 0}));
}

TEST_F(StateFileHostile, Version2BadClaims) {
  use(1, 1, 4, 2);  // the header, claim "vendor 0x8086, +0x04 == 0x20" (28 bytes)
  ASSERT_EQ(bytes[claim_at(0)], 28);
  std::vector<std::uint8_t> bad = bytes;
  bad[claim_at(0) + 1 + 7] = 0x1b;  // ESC instead of the "0" of "0x8086"
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_EQ(refusal(bad),
            "bad.cst: byte 0x72, device section 1 (0000:01:00.0), record 1: the claim has byte "
            "0x1b at position 7; only printable ASCII (0x20-0x7e) is allowed; the file is "
            "truncated or corrupt — save the device again");
  bad = bytes;
  bad[claim_at(0) + 1 + 27] = 0x7f;  // DEL as the last byte
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("the claim has byte 0x7f at position 27"));
  bad = bytes;
  bad[claim_at(0)] = 0xff;
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("byte 0x72, device section 1 (0000:01:00.0), record 1: the "
                                      "claim is 255 bytes long but only 32 bytes are left in the "
                                      "record"));
  bad = bytes;
  bad[record(0).begin + 10] = 0xff;  // the plugin name must leave room for the claim's length
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("the plugin name is 255 bytes long but only 38 bytes are "
                                      "left in the record"));
}

TEST_F(StateFileHostile, Version2RecordShorterThanItsFixedFields) {
  use(1, 1, 0, 2);
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, record(0).begin, 29, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("record 1: record length 29 (0x1d) is shorter than the 30 "
                                      "bytes of a record's fixed fields"));
}

TEST_F(StateFileHostile, EnvelopeVersionZero) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, 0x08, 0, 2);
  EXPECT_THAT(refusal(bad), HasSubstr("envelope version 0 is not valid"));
}

TEST_F(StateFileHostile, PayloadLengthPastTheEnd) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, payload_length_at(0), 4096, 4);
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(
      refusal(bad),
      HasSubstr("device section 1 (0000:01:00.0), record 1: payload length 4096 (0x1000) "
                "exceeds the 4 bytes left in the record; the file is truncated or corrupt — "
                "save the device again"));
}

TEST_F(StateFileHostile, PayloadLengthShortOfTheEnd) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, payload_length_at(0), 1, 4);
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("record 1: payload length 1 (0x1) leaves 3 unused bytes "
                                      "before the record checksum"));
}

TEST_F(StateFileHostile, HugeDeclaredLengthsAreRefusedWithoutAllocating) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, payload_length_at(0), 0xffffffff, 4);
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad),
              HasSubstr("payload length 4294967295 (0xffffffff) exceeds the 4 bytes"));

  bad = bytes;
  put_le(bad, record(0).begin, 0xffffffff, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("record 1: record length 4294967295 (0xffffffff) exceeds the "
                                      "37 bytes left in the device section"));

  bad = bytes;
  put_le(bad, section(0), 0xffffffff, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("device section 1: device section length 4294967295 "
                                      "(0xffffffff) exceeds the 66 bytes left in the file"));

  bad = bytes;
  put_le(bad, 0x0e, ~std::uint64_t{0}, 8);
  EXPECT_THAT(refusal(bad), HasSubstr("byte 0xe: the header says the file is 18446744073709551615 "
                                      "bytes but only 134 are there"));

  bad = bytes;
  put_le(bad, 0x0a, 0xffffffff, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("header length 4294967295 (0xffffffff) is outside 41..134"));
}

TEST_F(StateFileHostile, SectionCountsThatLie) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, 0x1a, 0xffffffff, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x86, device section 2: the header declares "
                                      "4294967295 device sections but the file ends after 1"));
  put_le(bad, 0x1a, 0, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x44: 66 bytes follow the last of the 0 "
                                      "declared device sections"));
}

TEST_F(StateFileHostile, RecordCountsThatLie) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, section(0) + 25, 0xffffffff, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("device section 1 (0000:01:00.0), record 2: the device "
                                      "section declares 4294967295 records but holds only 1"));
  put_le(bad, section(0) + 25, 0, 4);
  EXPECT_THAT(refusal(bad), HasSubstr("device section 1 (0000:01:00.0): 37 bytes are left in the "
                                      "device section after its 0 declared records"));
}

TEST_F(StateFileHostile, DuplicateRecords) {
  use(1, 3);
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, record(2).begin + 7, 0x40, 2);  // record 3 (0x12 at 0x60) moves to 0x40...
  put_le(bad, record(2).begin + 5, 0x10, 2);  // ...and becomes 0x10, like record 1
  test::reseal_record(bad, record(2).begin, record(2).end);
  EXPECT_THAT(refusal(bad), HasSubstr("record 3: standard capability 0x10 at 0x040 was "
                                      "already saved in record 1; each capability instance may be "
                                      "saved only once"));
}

TEST_F(StateFileHostile, DuplicateAddresses) {
  use(3, 1);
  std::vector<std::uint8_t> bad = bytes;
  bad[section(2) + 8] = 0x02;  // section 3's bus: 3 -> 2
  bad[section(2) + 10] = 0x1;  // and its function: 2 -> 1, like section 2
  test::reseal_file(bad);
  EXPECT_THAT(refusal(bad),
              HasSubstr("device section 3 (0000:02:00.1): the address 0000:02:00.1 was "
                        "already saved in device section 2"));
}

TEST_F(StateFileHostile, CapabilityOffsetsOutsideTheirList) {
  auto with_offset = [&](CapKind kind, std::uint16_t offset) {
    std::vector<std::uint8_t> bad = bytes;
    bad[record(0).begin + 4] = static_cast<std::uint8_t>(kind);
    put_le(bad, record(0).begin + 7, offset, 2);
    test::reseal_record(bad, record(0).begin, record(0).end);
    return refusal(bad);
  };
  EXPECT_THAT(with_offset(CapKind::standard, 0x1000),
              HasSubstr("record 1: standard capability 0x10 at 0x1000: the offset is outside "
                        "configuration space (0x0-0xfff)"));
  EXPECT_THAT(with_offset(CapKind::extended, 0x1000),
              HasSubstr("extended capability 0x0010 at 0x1000: the offset is outside"));
  EXPECT_THAT(with_offset(CapKind::standard, 0x20),
              HasSubstr("standard capability 0x10 at 0x020: standard capabilities live at "
                        "offsets 0x40-0xff"));
  EXPECT_THAT(with_offset(CapKind::standard, 0x100),
              HasSubstr("standard capabilities live at offsets 0x40-0xff"));
  EXPECT_THAT(with_offset(CapKind::extended, 0xfc),
              HasSubstr("extended capabilities live at offsets 0x100-0xfff"));
  EXPECT_THAT(with_offset(static_cast<CapKind>(2), 0x40),
              HasSubstr("capability kind 2 is neither 0 (standard) nor 1 (extended)"));
}

TEST_F(StateFileHostile, StandardCapabilityIdWiderThanEightBits) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, record(0).begin + 5, 0x110, 2);
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("standard capability IDs are 8 bits"));
}

TEST_F(StateFileHostile, TrailingGarbage) {
  std::vector<std::uint8_t> bad = bytes;
  bad.insert(bad.end(), {0xde, 0xad, 0xbe});
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x86: 3 bytes of trailing garbage follow the "
                                      "134-byte state file the header describes"));
  // Even with the length and checksum made to agree, the bytes belong to no section.
  put_le(bad, 0x0e, bad.size(), 8);
  test::reseal_file(bad);
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x86: 3 bytes follow the last of the 1 "
                                      "declared device sections"));
}

TEST_F(StateFileHostile, Checksums) {
  std::vector<std::uint8_t> bad = bytes;
  bad[record(0).end - 5] ^= 0x01;  // last payload byte
  EXPECT_THAT(refusal(bad), HasSubstr("bad.cst: byte 0x82, device section 1 (0000:01:00.0), record "
                                      "1: record checksum mismatch: the record says 0x"));
  bad = bytes;
  put_le(bad, 0x1e, 1, 8);  // created_unix
  EXPECT_THAT(refusal(bad),
              HasSubstr("bad.cst: byte 0x16: file checksum mismatch: the file says "));
}

TEST_F(StateFileHostile, BadNames) {
  std::vector<std::uint8_t> bad = bytes;
  bad[record(0).begin + 11] = 0x07;  // first letter of the plugin name
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("record 1: the plugin name has byte 0x7 at position 0; only "
                                      "printable ASCII (0x20-0x7e) is allowed"));
  bad = bytes;
  bad[record(0).begin + 10] = 0xff;  // plugin name length
  test::reseal_record(bad, record(0).begin, record(0).end);
  EXPECT_THAT(refusal(bad), HasSubstr("the plugin name is 255 bytes long but only 8 bytes are left "
                                      "in the record"));
  bad = bytes;
  bad[0x26] = 200;  // producer name length
  test::reseal_file(bad);
  EXPECT_THAT(refusal(bad), HasSubstr("byte 0x26: the producer name is 200 bytes long but only 29 "
                                      "bytes are left in the header"));
}

TEST_F(StateFileHostile, HeaderLengthThatDisagreesWithItsFields) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, 0x0a, 0x45, 4);
  test::reseal_file(bad);
  EXPECT_THAT(refusal(bad), HasSubstr("byte 0xa: header length 69 (0x45) does not match the 68 "
                                      "bytes its fields take"));
}

TEST_F(StateFileHostile, AddressAndClassOutOfRange) {
  std::vector<std::uint8_t> bad = bytes;
  bad[section(0) + 9] = 0x20;
  test::reseal_file(bad);
  EXPECT_THAT(refusal(bad), HasSubstr("device section 1 (0000:01:20.0): device number 0x20 is out "
                                      "of range (0x0-0x1f)"));
  bad = bytes;
  bad[section(0) + 22] = 0x01;
  test::reseal_file(bad);
  EXPECT_THAT(refusal(bad), HasSubstr("class code 0x1020000 does not fit in 24 bits"));
}

TEST_F(StateFileHostile, ErrorCarriesTheLocation) {
  std::vector<std::uint8_t> bad = bytes;
  put_le(bad, payload_length_at(0), 4096, 4);
  test::reseal_record(bad, record(0).begin, record(0).end);
  try {
    decode_state(bad, "where.cst");
    FAIL() << "accepted";
  } catch (const StateFileError& e) {
    EXPECT_EQ(e.where().file, "where.cst");
    EXPECT_EQ(e.where().byte_offset, payload_length_at(0));
    EXPECT_EQ(e.where().section_index, 0u);
    EXPECT_EQ(e.where().section_address, (PciAddress{0, 1, 0, 0}));
    EXPECT_EQ(e.where().record_index, 0u);
    EXPECT_THAT(e.problem(), HasSubstr("payload length 4096"));
  }
}

}  // namespace
}  // namespace capstate::core
