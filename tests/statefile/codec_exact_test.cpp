// The state file format in executable form: a tiny file written out byte by byte.
// docs/state-file.md shows the same file as its worked example (checked below).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "statefile/codec.hpp"

namespace capstate::core {
namespace {

StateFile tiny_state() {
  StateFile f;
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

TEST(StateFileExact, FormatConstantsMatchTheBytes) {
  EXPECT_EQ(kEnvelopeVersion, 1);
  EXPECT_EQ(std::vector<std::uint8_t>(kStateFileMagic.begin(), kStateFileMagic.end()),
            std::vector<std::uint8_t>(kTinyBytes.begin(), kTinyBytes.begin() + 8));
  EXPECT_EQ(format::kMinHeaderLength + 8 + 5 + 5, 0x3bu);
  EXPECT_EQ(format::kSectionHeaderLength + 37, 0x42u);
  EXPECT_EQ(format::kMinRecordLength + 4 + 4, 37u);
}

// The worked example in docs/state-file.md is the same file: every line of its ```hexdump block is
// "offset: bytes... |ascii|".
TEST(StateFileExact, DocumentationExampleIsTheSameFile) {
  std::ifstream doc(std::string(CAPSTATE_SOURCE_DIR) + "/docs/state-file.md");
  ASSERT_TRUE(doc) << "docs/state-file.md is missing";
  std::string line;
  bool inside = false;
  std::vector<std::uint8_t> bytes;
  while (std::getline(doc, line)) {
    if (line == "```hexdump") {
      inside = true;
      continue;
    }
    if (inside && line == "```") {
      break;
    }
    if (inside) {
      line = line.substr(0, line.find('|'));  // drop an ASCII column
      std::istringstream in(line.substr(line.find(':') + 1));
      std::string word;
      while (in >> word && word.size() == 2) {
        bytes.push_back(static_cast<std::uint8_t>(std::stoul(word, nullptr, 16)));
      }
    }
  }
  EXPECT_EQ(bytes, kTinyBytes);
}

}  // namespace
}  // namespace capstate::core
