// DumpSource::write_dump: round trips through our parser and through pciutils' own `lspci -F`.
#include <regex>

#include "backend_test_util.hpp"
#include "backends/dump_source.hpp"
#include "support/run_process.hpp"

namespace capstate::core {
namespace {

using capstate::testing::data_file;
using capstate::testing::error_of;
using capstate::testing::read_text;
using capstate::testing::TempDir;
using capstate::testing::write_text;
using ::testing::HasSubstr;

/// Output of `lspci -F <file> <args>`; fails the test (never skips) when lspci is missing.
std::string lspci(const std::filesystem::path& file, const std::string& args) {
  const std::string command = "lspci -F '" + file.string() + "' " + args + " 2>&1";
  const testsupport::RunResult r = testsupport::run_shell(command);
  if (r.exit_code == 127) {
    ADD_FAILURE() << "lspci is not installed; install pciutils (apt-get install pciutils) to run "
                     "this test";
  } else if (r.exit_code != 0) {
    ADD_FAILURE() << command << " exited with " << r.exit_code << ":\n" << r.out;
  }
  return r.out;
}

/// Only the hex rows of lspci output (device lines carry names that depend on pci.ids).
std::string hex_rows(const std::string& text) {
  static const std::regex row(R"(^[0-9a-f]{2,3}:( [0-9a-f]{2}){16}$)");
  std::string out;
  for (const std::string& line : testsupport::lines_of(text)) {
    if (std::regex_match(line, row)) {
      out += line + '\n';
    }
  }
  return out;
}

class DumpWrite : public ::testing::TestWithParam<const char*> {};

TEST_P(DumpWrite, UnmodifiedWriteReproducesTheFile) {
  TempDir dir;
  const auto original = data_file(GetParam());
  DumpSource dump(original);
  dump.write_dump(dir / "out.txt");
  // Same address form, descriptions, byte counts and row format as lspci wrote it.
  EXPECT_EQ(read_text(dir / "out.txt"), read_text(original));
  DumpSource again(dir / "out.txt");
  ASSERT_EQ(again.addresses(), dump.addresses());
  for (const auto& a : dump.addresses()) {
    const auto want = dump.bytes(a);
    const auto got = again.bytes(a);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin(), got.end())) << a.str();
    EXPECT_EQ(again.held_bytes(a), dump.held_bytes(a)) << a.str();
  }
}

TEST_P(DumpWrite, LspciReadsTheWrittenFileLikeTheOriginal) {
  TempDir dir;
  const auto original = data_file(GetParam());
  DumpSource(original).write_dump(dir / "out.txt");
  for (const char* args : {"-xxxx", "-x"}) {
    const std::string want = hex_rows(lspci(original, args));
    EXPECT_FALSE(want.empty()) << args;
    EXPECT_EQ(hex_rows(lspci(dir / "out.txt", args)), want) << args;
  }
  EXPECT_EQ(lspci(dir / "out.txt", "-vv"), lspci(original, "-vv"));
}

INSTANTIATE_TEST_SUITE_P(RealDumps, DumpWrite,
                         ::testing::Values("qemu-q35-guest.xxxx.txt", "microvm-host.xxxx.txt"));

TEST(DumpWriteChanges, ModifiedBytesSurviveAndLspciSeesThem) {
  TempDir dir;
  DumpSource dump(data_file("qemu-q35-guest.xxxx.txt"));
  const PciAddress nic{0, 1, 0, 0};
  {
    Device d = dump.open(nic);
    d.config->write16(0x04, 0x0406);       // command: Mem+ BusMaster+ DisINTx+
    d.config->write32(0x1fc, 0xcafe0001);  // an extended-space dword
  }
  dump.write_dump(dir / "changed.txt");
  DumpSource again(dir / "changed.txt");
  Device d = again.open(nic);
  EXPECT_EQ(d.config->read16(0x04), 0x0406);
  EXPECT_EQ(d.config->read32(0x1fc), 0xcafe0001U);
  EXPECT_EQ(d.config->read16(0x00), 0x8086);  // untouched bytes unchanged

  const std::string rows = hex_rows(lspci(dir / "changed.txt", "-s 01:00.0 -xxxx"));
  EXPECT_THAT(rows, HasSubstr("00: 86 80 d3 10 06 04 10 00"));
  EXPECT_THAT(rows, HasSubstr("1f0: 00 00 00 00 00 00 00 00 00 00 00 00 01 00 fe ca\n"));
  EXPECT_THAT(lspci(dir / "changed.txt", "-s 01:00.0 -vv"),
              HasSubstr("Control: I/O- Mem+ BusMaster+"));
}

TEST(DumpWriteChanges, KeepsDomainFormAndSixtyFourByteBlocks) {
  TempDir dir;
  std::string text = "0001:02:00.0 Ethernet controller: test\n";
  for (int r = 0; r < 4; ++r) {
    text += (r == 0 ? std::string("00: 86 80 d3 10") : std::to_string(r) + "0: 00 00 00 00") +
            " 00 00 00 00 00 00 00 00 00 00 00 00\n";
  }
  text += "\n";
  DumpSource dump(text, "small.txt");
  dump.write_dump(dir / "small-out.txt");
  EXPECT_EQ(read_text(dir / "small-out.txt"), text);
  EXPECT_THAT(lspci(dir / "small-out.txt", "-D -x"), HasSubstr("0001:02:00.0"));
}

TEST(DumpWriteChanges, ReplacesAtomicallyAndReportsUnwritableDirectory) {
  TempDir dir;
  write_text(dir / "out.txt", "old contents\n");
  DumpSource dump(data_file("microvm-host.xxxx.txt"));
  dump.write_dump(dir / "out.txt");
  EXPECT_EQ(read_text(dir / "out.txt"), dump.dump_text());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++files;
  }
  EXPECT_EQ(files, 1U);  // no temporary file left behind
  EXPECT_THAT(error_of<std::runtime_error>([&] { dump.write_dump(dir / "missing" / "x.txt"); }),
              HasSubstr("the directory '" + (dir / "missing").string() + "' does not exist"));
}

}  // namespace
}  // namespace capstate::core
