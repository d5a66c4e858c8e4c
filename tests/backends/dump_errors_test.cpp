// DumpSource on malformed input: every error names the file and the line, and says what was
// expected.
#include "backend_test_util.hpp"
#include "backends/dump_source.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;
using capstate::testing::TempDir;
using capstate::testing::write_text;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// `rows` data lines of 16 bytes starting at offset `first`, each byte equal to `value`.
std::string rows(unsigned first, unsigned count, const char* value = "00") {
  std::string out;
  for (unsigned r = 0; r < count; ++r) {
    char line[16];
    std::snprintf(line, sizeof line, "%02x:", (first + r) * 16);
    out += line;
    for (int i = 0; i < 16; ++i) {
      out += std::string(" ") + value;
    }
    out += '\n';
  }
  return out;
}

/// The error DumpSource gives for `text` written to a temporary file, with the path replaced by F.
std::string dump_error(const std::string& text) {
  TempDir dir;
  const auto file = dir / "bad.txt";
  write_text(file, text);
  std::string message = error_of<std::runtime_error>([&] { DumpSource source(file); });
  const std::string path = file.string();
  if (message.compare(0, path.size(), path) == 0) {
    message.replace(0, path.size(), "F");
  }
  return message;
}

const std::string kHeader = "00:03.0 Ethernet controller: test\n";

TEST(DumpErrors, InvalidHexByte) {
  std::string text = kHeader + rows(0, 4);
  text.replace(text.find("00 00 00\n") + 3, 2, "0g");  // line 2
  EXPECT_EQ(dump_error(text), "F:2: \"0g\" is not a byte (expected two hex digits)");
}

TEST(DumpErrors, OddHexDigits) {
  std::string text = kHeader + rows(0, 4);
  const std::size_t line3 = text.find("10:");
  text.replace(line3 + 4, 2, "abc");
  EXPECT_EQ(dump_error(text), "F:3: \"abc\" is not a byte (expected two hex digits)");
}

TEST(DumpErrors, WrongCountOfBytesOnALine) {
  std::string text = kHeader + rows(0, 2) + "20: 00 00 00\n" + rows(3, 1);
  EXPECT_EQ(dump_error(text), "F:4: 3 bytes on a data line (expected 16)");
  EXPECT_EQ(dump_error(kHeader + "00: " + std::string(17, 'f') + "\n"),
            "F:2: 1 bytes on a data line (expected 16)");
}

TEST(DumpErrors, OffsetsOutOfOrderOrRepeated) {
  EXPECT_EQ(dump_error(kHeader + rows(0, 2) + rows(1, 2)),
            "F:4: offset 0x10 is out of order (expected 0x20); rows must run 00, 10, 20, ... "
            "without gaps or repeats");
  EXPECT_EQ(dump_error(kHeader + rows(0, 1) + rows(2, 3)),
            "F:3: offset 0x20 is out of order (expected 0x10); rows must run 00, 10, 20, ... "
            "without gaps or repeats");
}

TEST(DumpErrors, MoreThan4096Bytes) {
  EXPECT_EQ(dump_error(kHeader + rows(0, 257)),
            "F:258: more than 4096 bytes for device 0000:00:03.0; configuration space holds at "
            "most 4096");
}

TEST(DumpErrors, ByteCountThatLspciNeverPrints) {
  EXPECT_EQ(dump_error("\n" + kHeader + rows(0, 8) + "\n"),
            "F:2: device 0000:00:03.0 has 128 bytes (expected 64, 256 or 4096, as lspci -x, "
            "-xxx or -xxxx print)");
  EXPECT_EQ(dump_error(kHeader + "\n"),
            "F:1: device 0000:00:03.0 has 0 bytes (expected 64, 256 or 4096, as lspci -x, -xxx "
            "or -xxxx print)");
}

TEST(DumpErrors, DataLineBeforeAnyDeviceLine) {
  EXPECT_EQ(dump_error(rows(0, 4)),
            "F:1: data line outside a device block; each block must start with a line "
            "\"[domain:]bus:dev.fn description\" and end at a blank line");
  // After a blank line the block is closed too.
  EXPECT_THAT(dump_error(kHeader + rows(0, 4) + "\n" + rows(4, 1)),
              StartsWith("F:7: data line outside a device block"));
}

TEST(DumpErrors, DuplicateDevice) {
  EXPECT_EQ(dump_error(kHeader + rows(0, 4) + "\n" + "0000:00:03.0 again\n" + rows(0, 4)),
            "F:7: device 0000:00:03.0 appears twice (first at line 1); keep one block per device");
}

TEST(DumpErrors, BinaryGarbage) {
  std::string text = kHeader + rows(0, 4);
  text[text.find("10:") + 7] = '\0';
  EXPECT_EQ(dump_error(text),
            "F:3: binary data (byte 0x00 at column 8); expected the text printed by lspci -x, "
            "-xxx or -xxxx");
  EXPECT_THAT(dump_error(std::string("\x7f"
                                     "ELF\x02\x01\x01",
                                     7)),
              StartsWith("F:1: binary data (byte 0x7f at column 1)"));
}

TEST(DumpErrors, UnreadableLine) {
  EXPECT_EQ(dump_error(kHeader + rows(0, 4) + "\nhello world\n"),
            "F:7: cannot read \"hello world\": expected a device line \"[domain:]bus:dev.fn "
            "description\" or a data line \"00: 86 80 ...\"");
}

TEST(DumpErrors, EmptyFile) {
  EXPECT_EQ(dump_error("\n\n"),
            "F: no device found; expected the text printed by lspci -x, -xxx or -xxxx");
}

TEST(DumpErrors, MissingFile) {
  EXPECT_THAT(error_of<std::runtime_error>([] { DumpSource source("/nonexistent/dump.txt"); }),
              HasSubstr("cannot read lspci dump /nonexistent/dump.txt: No such file or directory"));
}

TEST(DumpTolerance, CrlfTabVerboseLinesAndMissingDescription) {
  // Windows line ends, lspci -v detail lines (tab-indented) and a bare address are accepted.
  std::string text = "00:03.0\r\n\tControl: I/O- Mem+\r\n";
  for (char c : rows(0, 4)) {
    text += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  DumpSource dump(text, "crlf.txt");
  EXPECT_EQ(dump.addresses().size(), 1U);
  EXPECT_EQ(dump.held_bytes(PciAddress{0, 0, 3, 0}), 64U);
  EXPECT_EQ(dump.dump_text().substr(0, 12), "00:03.0\n00: ");
}

}  // namespace
}  // namespace capstate::core
