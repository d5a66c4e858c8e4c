// The state file format in executable form: a tiny file written out byte by byte, in envelope
// version 1 and in version 2 (with a claim), and header and region records of version 2.
// docs/state-file.md shows the same two files as its worked examples (checked below).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "statefile/codec.hpp"

namespace capstate::core {
namespace {

StateFile tiny_state() {
  StateFile f;
  f.envelope.envelope_version = 1;
  f.envelope.producer_name = "capstate";
  f.envelope.producer_version = "0.1.0";
  f.envelope.created_unix = 1600000000;  // 0x5f5e1000
  f.envelope.kernel_release = "6.1.0";
  DeviceSection s;
  s.address = {0x0000, 0x01, 0x00, 0x0};
  s.identity = {.vendor_id = 0x8086,
                .device_id = 0x1533,
                .subsystem_vendor_id = 0x8086,
                .subsystem_id = 0x0001,
                .class_code = 0x020000,
                .revision = 0x03,
                .header_type = 0x00};
  Record r;
  r.capability = {CapKind::standard, 0x10, 0x40, 0};
  r.plugin = "pcie";
  r.schema_version = 2;
  r.fingerprint = 0x0123456789abcdefULL;
  r.payload = {0x2f, 0x00, 0x10, 0x00};
  s.records.push_back(r);
  f.devices.push_back(s);
  return f;
}

const std::vector<std::uint8_t> kTinyBytes = {
    // ---- envelope (0x00-0x3a) ----
    0x89, 0x43, 0x53, 0x54, 0x0d, 0x0a, 0x1a, 0x0a,  // 0x00 magic: 0x89 "CST" CR LF 0x1a LF
    0x01, 0x00,                                      // 0x08 envelope version 1
    0x3b, 0x00, 0x00, 0x00,                          // 0x0a header length 59
    0x7d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x0e total file length 125
    0xe0, 0xb9, 0xc5, 0x0f,                          // 0x16 CRC32C of the file (this field as 0)
    0x01, 0x00, 0x00, 0x00,                          // 0x1a device section count 1
    0x00, 0x10, 0x5e, 0x5f, 0x00, 0x00, 0x00, 0x00,  // 0x1e created_unix 1600000000
    0x08, 'c', 'a', 'p', 's', 't', 'a', 't', 'e',    // 0x26 producer name "capstate"
    0x05, '0', '.', '1', '.', '0',                   // 0x2f producer version "0.1.0"
    0x05, '6', '.', '1', '.', '0',                   // 0x35 kernel release "6.1.0"
    // ---- device section 1 (0x3b-0x7c) ----
    0x42, 0x00, 0x00, 0x00,  // 0x3b section length 66 (whole section)
    0x00, 0x00, 0x00, 0x00,  // 0x3f domain 0
    0x01,                    // 0x43 bus 1
    0x00,                    // 0x44 device 0
    0x00,                    // 0x45 function 0
    0x86, 0x80,              // 0x46 vendor ID 0x8086
    0x33, 0x15,              // 0x48 device ID 0x1533
    0x86, 0x80,              // 0x4a subsystem vendor ID 0x8086
    0x01, 0x00,              // 0x4c subsystem ID 0x0001
    0x00, 0x00, 0x02, 0x00,  // 0x4e class code 0x020000
    0x03,                    // 0x52 revision 3
    0x00,                    // 0x53 header type 0
    0x01, 0x00, 0x00, 0x00,  // 0x54 record count 1
    // ---- record 1 (0x58-0x7c) ----
    0x25, 0x00, 0x00, 0x00,                          // 0x58 record length 37 (whole record)
    0x00,                                            // 0x5c kind 0 = standard
    0x10, 0x00,                                      // 0x5d capability ID 0x10
    0x40, 0x00,                                      // 0x5f capability offset 0x40
    0x00,                                            // 0x61 capability version 0
    0x04, 'p', 'c', 'i', 'e',                        // 0x62 plugin name "pcie"
    0x02, 0x00,                                      // 0x67 schema version 2
    0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,  // 0x69 fingerprint 0x0123456789abcdef
    0x04, 0x00, 0x00, 0x00,                          // 0x71 payload length 4
    0x2f, 0x00, 0x10, 0x00,                          // 0x75 payload
    0x45, 0xa8, 0xfe, 0x2d,                          // 0x79 CRC32C of 0x58-0x78
};

// The same file in envelope version 2, its record carrying the claim "vendor 0x8086".
StateFile tiny_state_v2() {
  StateFile f = tiny_state();
  f.envelope.envelope_version = 2;
  f.devices[0].records[0].claim = "vendor 0x8086";
  return f;
}

const std::vector<std::uint8_t> kTinyBytesV2 = {
    // ---- envelope (0x00-0x3a) ----
    0x89, 0x43, 0x53, 0x54, 0x0d, 0x0a, 0x1a, 0x0a,  // 0x00 magic
    0x02, 0x00,                                      // 0x08 envelope version 2
    0x3b, 0x00, 0x00, 0x00,                          // 0x0a header length 59
    0x8b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x0e total file length 139
    0x89, 0xd5, 0x14, 0x55,                          // 0x16 CRC32C of the file (this field as 0)
    0x01, 0x00, 0x00, 0x00,                          // 0x1a device section count 1
    0x00, 0x10, 0x5e, 0x5f, 0x00, 0x00, 0x00, 0x00,  // 0x1e created_unix 1600000000
    0x08, 'c', 'a', 'p', 's', 't', 'a', 't', 'e',    // 0x26 producer name "capstate"
    0x05, '0', '.', '1', '.', '0',                   // 0x2f producer version "0.1.0"
    0x05, '6', '.', '1', '.', '0',                   // 0x35 kernel release "6.1.0"
    // ---- device section 1 (0x3b-0x8a) ----
    0x50, 0x00, 0x00, 0x00,                          // 0x3b section length 80 (whole section)
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,        // 0x3f domain 0, bus 1, device 0, function 0
    0x86, 0x80, 0x33, 0x15, 0x86, 0x80, 0x01, 0x00,  // 0x46 vendor, device, subsystem IDs
    0x00, 0x00, 0x02, 0x00, 0x03, 0x00,              // 0x4e class 0x020000, revision 3, type 0
    0x01, 0x00, 0x00, 0x00,                          // 0x54 record count 1
    // ---- record 1 (0x58-0x8a) ----
    0x33, 0x00, 0x00, 0x00,                          // 0x58 record length 51 (whole record)
    0x00, 0x10, 0x00, 0x40, 0x00, 0x00,              // 0x5c standard, ID 0x10, 0x40, v0
    0x04, 'p', 'c', 'i', 'e',                        // 0x62 plugin name "pcie"
    0x0d, 'v', 'e', 'n', 'd', 'o', 'r', ' ',         // 0x67 claim "vendor 0x8086" ...
    '0', 'x', '8', '0', '8', '6',                    //      ... (13 bytes)
    0x02, 0x00,                                      // 0x75 schema version 2
    0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,  // 0x77 fingerprint
    0x04, 0x00, 0x00, 0x00,                          // 0x7f payload length 4
    0x2f, 0x00, 0x10, 0x00,                          // 0x83 payload
    0x6e, 0x71, 0x43, 0xdc,                          // 0x87 CRC32C of 0x58-0x86
};

TEST(StateFileExact, EncodesTheTinyFileByteForByte) {
  std::vector<std::uint8_t> bytes = encode_state(tiny_state());
  ASSERT_EQ(bytes.size(), kTinyBytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(bytes[i], kTinyBytes[i]) << "at byte 0x" << std::hex << i;
  }
}

TEST(StateFileExact, DecodesTheTinyFile) {
  StateFile decoded = decode_state(kTinyBytes, "tiny.cst");
  EXPECT_EQ(decoded, tiny_state());
  EXPECT_EQ(decoded.envelope.envelope_version, 1);
}

TEST(StateFileExact, EncodesTheVersion2FileByteForByte) {
  std::vector<std::uint8_t> bytes = encode_state(tiny_state_v2());
  ASSERT_EQ(bytes.size(), kTinyBytesV2.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(bytes[i], kTinyBytesV2[i]) << "at byte 0x" << std::hex << i;
  }
}

TEST(StateFileExact, DecodesTheVersion2File) {
  StateFile decoded = decode_state(kTinyBytesV2, "tiny2.cst");
  EXPECT_EQ(decoded, tiny_state_v2());
  EXPECT_EQ(decoded.envelope.envelope_version, 2);
  EXPECT_EQ(decoded.devices.at(0).records.at(0).claim, "vendor 0x8086");
}

// The default envelope is the newest version: a StateFile built without naming one is written as
// version 2.
TEST(StateFileExact, NewFilesAreWrittenInVersion2) {
  StateFile f = tiny_state_v2();
  f.envelope = Envelope{};
  f.envelope.producer_name = "capstate";
  f.envelope.producer_version = "0.1.0";
  f.envelope.created_unix = 1600000000;
  f.envelope.kernel_release = "6.1.0";
  EXPECT_EQ(encode_state(f), kTinyBytesV2);
}

// A header record and a region record, byte by byte: records 1 and 2 of a version 2 file whose
// envelope and section header are those of the tiny file.
TEST(StateFileExact, EncodesHeaderAndRegionRecordsByteForByte) {
  StateFile f = tiny_state_v2();
  Record header;
  header.capability = {CapKind::header, 0, 0x000, 0};
  header.plugin = "hdr";
  header.schema_version = 1;
  header.fingerprint = 0x8877665544332211ULL;
  header.payload = {0x06, 0x04};
  header.claim = "class 0x0c0330";
  Record region;
  region.capability = {CapKind::region, 0, 0x400, 0};
  region.plugin = "quirk";
  region.schema_version = 1;
  region.fingerprint = 0x1122334455667788ULL;
  region.payload = {0xaa, 0xbb};
  f.devices[0].records = {header, region};
  const std::vector<std::uint8_t> expected = {
      // ---- record 1 (0x58-0x88): the header ----
      0x31, 0x00, 0x00, 0x00,                          // record length 49
      0x02,                                            // kind 2 = header
      0x00, 0x00,                                      // ID 0
      0x00, 0x00,                                      // offset 0
      0x00,                                            // version 0
      0x03, 'h', 'd', 'r',                             // plugin name "hdr"
      0x0e, 'c', 'l', 'a', 's', 's', ' ', '0', 'x',    // claim "class 0x0c0330" ...
      '0', 'c', '0', '3', '3', '0',                    //      ... (14 bytes)
      0x01, 0x00,                                      // schema version 1
      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,  // fingerprint 0x8877665544332211
      0x02, 0x00, 0x00, 0x00,                          // payload length 2
      0x06, 0x04,                                      // payload
      0x36, 0x24, 0x6e, 0x6d,                          // record CRC32C 0x6d6e2436
      // ---- record 2 (0x89-0xad): a region ----
      0x25, 0x00, 0x00, 0x00,                          // record length 37
      0x03,                                            // kind 3 = region
      0x00, 0x00,                                      // ID 0
      0x00, 0x04,                                      // offset 0x400 (its first byte)
      0x00,                                            // version 0
      0x05, 'q', 'u', 'i', 'r', 'k',                   // plugin name "quirk"
      0x00,                                            // claim: empty (a generic claim)
      0x01, 0x00,                                      // schema version 1
      0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,  // fingerprint 0x1122334455667788
      0x02, 0x00, 0x00, 0x00,                          // payload length 2
      0xaa, 0xbb,                                      // payload
      0x8d, 0x09, 0x0f, 0x7e,                          // record CRC32C 0x7e0f098d
  };
  const std::vector<std::uint8_t> bytes = encode_state(f);
  ASSERT_EQ(bytes.size(), 0x58 + expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(bytes[0x58 + i], expected[i]) << "at byte 0x" << std::hex << 0x58 + i;
  }
  EXPECT_EQ(bytes[0x3b], 29 + expected.size());  // section length
  EXPECT_EQ(bytes[0x54], 2);                     // record count
  EXPECT_EQ(decode_state(bytes, "targets.cst"), f);
}

TEST(StateFileExact, FormatConstantsMatchTheBytes) {
  EXPECT_EQ(kEnvelopeVersion, 2);
  EXPECT_EQ(kOldestEnvelopeVersion, 1);
  EXPECT_EQ(Envelope{}.envelope_version, kEnvelopeVersion);
  EXPECT_EQ(std::vector<std::uint8_t>(kStateFileMagic.begin(), kStateFileMagic.end()),
            std::vector<std::uint8_t>(kTinyBytes.begin(), kTinyBytes.begin() + 8));
  EXPECT_EQ(format::kMinHeaderLength + 8 + 5 + 5, 0x3bu);
  EXPECT_EQ(format::kSectionHeaderLength + 37, 0x42u);
  EXPECT_EQ(format::kMinRecordLength + 4 + 4, 37u);
  EXPECT_EQ(format::min_record_length(1), format::kMinRecordLength);
  EXPECT_EQ(format::min_record_length(2), format::kMinRecordLengthV2);
  EXPECT_EQ(format::kMinRecordLengthV2 + 4 + 13 + 4, 0x33u);
  EXPECT_EQ(format::kSectionHeaderLength + 0x33, 0x50u);
}

// The worked examples in docs/state-file.md are the same two files: every line of their ```hexdump
// blocks is "offset: bytes... |ascii|".
TEST(StateFileExact, DocumentationExamplesAreTheSameFiles) {
  std::ifstream doc(std::string(CAPSTATE_SOURCE_DIR) + "/docs/state-file.md");
  ASSERT_TRUE(doc) << "docs/state-file.md is missing";
  std::string line;
  bool inside = false;
  std::vector<std::vector<std::uint8_t>> blocks;
  while (std::getline(doc, line)) {
    if (line == "```hexdump") {
      inside = true;
      blocks.emplace_back();
      continue;
    }
    if (inside && line == "```") {
      inside = false;
      continue;
    }
    if (inside) {
      std::vector<std::uint8_t>& bytes = blocks.back();
      line = line.substr(0, line.find('|'));  // drop an ASCII column
      std::istringstream in(line.substr(line.find(':') + 1));
      std::string word;
      while (in >> word && word.size() == 2) {
        bytes.push_back(static_cast<std::uint8_t>(std::stoul(word, nullptr, 16)));
      }
    }
  }
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], kTinyBytes);
  EXPECT_EQ(blocks[1], kTinyBytesV2);
}

}  // namespace
}  // namespace capstate::core
