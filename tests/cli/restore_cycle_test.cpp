// Tests 6 and 9, the clobber cycle: save the q35 dump, change writable control bits of root port
// 00:01.0 in a copy, then diff, restore --dry-run and restore --output-dump bring them back.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

// Control-register lines of `lspci -vv`: DevCtl, SltCtl with its "Control:" continuation line
// (indicators), and the MSI-X capability line (Enable, Masked).
std::vector<std::string> control_lines(const std::string& lspci_vv) {
  std::vector<std::string> out;
  bool slot_continues = false;
  for (const std::string& line : lines_of(lspci_vv)) {
    const std::size_t start = line.find_first_not_of(" \t");
    const std::string text = start == std::string::npos ? "" : line.substr(start);
    if (text.rfind("DevCtl:", 0) == 0 || text.rfind("SltCtl:", 0) == 0 ||
        (slot_continues && text.rfind("Control:", 0) == 0) ||
        text.find("MSI-X: Enable") != std::string::npos) {
      out.push_back(text);
    }
    slot_continues = text.rfind("SltCtl:", 0) == 0;
  }
  return out;
}

class ClobberCycle : public ::testing::Test {
 protected:
  void SetUp() override {
    const RunResult r = run_capstate(tmp_, {"save", "--dump", q35(), "-o", state_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    original_ = read_text(q35());
    // Root port 00:01.0: PCIe capability at 0x54, MSI-X at 0x48 (see the dump).
    std::string text = patch_dump(original_, "00:01.0", 0x5c, {0x00, 0x00});  // DevCtl 000f -> 0
    text = patch_dump(text, "00:01.0", 0x6c, {0x00, 0x00});                   // SltCtl 01c0 -> 0
    text = patch_dump(text, "00:01.0", 0x4a, {0x00, 0x00});  // MSI-X control 8000 -> 0
    write_text(clobbered_, text);
  }

  TempDir tmp_;
  std::string state_ = tmp_.file("q35.cst");
  std::string clobbered_ = tmp_.file("clobbered.txt");
  std::string original_;
};

const char* const kDeviceControl =
    "  ~ phase 200 pcie   device_control           0x05c       16-bit  0x0000 -> 0x000f  (mask "
    "0x7fff)";
const char* const kSlotControl =
    "  ~ phase 200 pcie   slot_control             0x06c       16-bit  0x0000 -> 0x01c0  (mask "
    "0x77ff)";
const char* const kMessageControl =
    "  ~ phase 300 msix   message_control          0x04a       16-bit  0x0000 -> 0x8000  (mask "
    "0xc000)";

std::vector<std::string> changed_lines(const std::string& out) {
  std::vector<std::string> changed;
  for (const std::string& line : lines_of(out)) {
    if (line.rfind("  ~ ", 0) == 0) {
      changed.push_back(line);
    }
  }
  return changed;
}

TEST_F(ClobberCycle, ClobberedCopyReallyDiffersForLspci) {
  const std::vector<std::string> before = control_lines(run_lspci(q35(), "-vv -s 00:01.0"));
  const std::vector<std::string> after = control_lines(run_lspci(clobbered_, "-vv -s 00:01.0"));
  ASSERT_EQ(before.size(), 4U);
  ASSERT_EQ(after.size(), 4U);
  EXPECT_EQ(before[0], "DevCtl:\tCorrErr+ NonFatalErr+ FatalErr+ UnsupReq+");
  EXPECT_EQ(after[0], "DevCtl:\tCorrErr- NonFatalErr- FatalErr- UnsupReq-");
  EXPECT_EQ(before[2], "Control: AttnInd Off, PwrInd On, Power- Interlock-");
  EXPECT_NE(after[2], before[2]);
  EXPECT_EQ(before[3], "Capabilities: [48] MSI-X: Enable+ Count=1 Masked-");
  EXPECT_EQ(after[3], "Capabilities: [48] MSI-X: Enable- Count=1 Masked-");
}

TEST_F(ClobberCycle, DiffListsTheChangedRegistersWithCurrentAndSavedValues) {
  const RunResult r = run_capstate(tmp_, {"diff", state_, "--dump", clobbered_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(changed_lines(r.out),
            (std::vector<std::string>{kDeviceControl, kSlotControl, kMessageControl}));
  // 5 = the pcie and msix registers that were not clobbered; 15 = the header's writable fields of
  // a bridge (Command, 2 BARs, ROM, bus numbers, 3 windows and 2 upper halves, I/O upper, Bridge
  // Control, Interrupt Line, Cache Line Size, Latency Timer); 1 = ACS Control; 5 = AER's two
  // masks, severity, Capabilities and Control and Root Error Command; none touched.
  EXPECT_NE(r.out.find("0000:00:01.0: 3 writes, 26 registers already hold the saved value\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  = phase 200 pcie   link_control2            0x084       16-bit  0x0004 "
                       "-> 0x0004  (mask 0x002f)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("  = phase 250 header bus_numbers              0x018       32-bit  0x00010100 "
                 "-> 0x00010100  (mask 0xffffffff)\n"),
      std::string::npos)
      << r.out;
  // Against the unchanged dump nothing differs.
  const RunResult same = run_capstate(tmp_, {"diff", state_, "--dump", q35()});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(changed_lines(same.out).empty()) << same.out;
}

TEST_F(ClobberCycle, DryRunPrintsThePlannedWritesAndWritesNothing) {
  const std::string before = read_text(clobbered_);
  const std::string out = tmp_.file("out.txt");
  const RunResult r = run_capstate(
      tmp_, {"restore", "-i", state_, "--dump", clobbered_, "--dry-run", "--output-dump", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 2U);
  EXPECT_EQ(lines[0], "dry run: nothing was written");
  // The host bridge has only its header: Command, 6 BARs, ROM, Interrupt Line, Cache Line Size
  // and Latency Timer, all unchanged.
  EXPECT_EQ(lines[1], "0000:00:00.0: 0 writes, 11 registers already hold the saved value");
  EXPECT_EQ(changed_lines(r.out),
            (std::vector<std::string>{kDeviceControl, kSlotControl, kMessageControl}));
  // Only the writes are listed, not the registers that already match.
  EXPECT_EQ(r.out.find("  = "), std::string::npos) << r.out;
  EXPECT_EQ(read_text(clobbered_), before);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(ClobberCycle, RestoreBringsBackTheOriginalDump) {
  const std::string out = tmp_.file("out.txt");
  const RunResult r =
      run_capstate(tmp_, {"restore", "-i", state_, "--dump", clobbered_, "--output-dump", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 12U) << r.out;
  EXPECT_EQ(lines[0], "0000:00:00.0: 0 writes; verify OK (0 registers)");
  EXPECT_EQ(lines[1], "0000:00:01.0: 3 writes; verify OK (3 registers)");
  EXPECT_EQ(lines[2], "0000:00:02.0: 0 writes; verify OK (0 registers)");
  EXPECT_EQ(lines[11], "0000:04:00.0: 0 writes; verify OK (0 registers)");
  EXPECT_EQ(r.err, "");
  // lspci reads the restored control bits back as they were.
  const std::vector<std::string> original = control_lines(run_lspci(q35(), "-vv"));
  const std::vector<std::string> restored = control_lines(run_lspci(out, "-vv"));
  EXPECT_GT(original.size(), 10U);
  EXPECT_EQ(restored, original);
  EXPECT_EQ(read_text(out), original_);
  // Restoring again writes nothing.
  const RunResult again = run_capstate(tmp_, {"--json", "restore", "-i", state_, "--dump", out});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const nlohmann::json& d : nlohmann::json::parse(again.out)) {
    EXPECT_EQ(d.at("written"), 0) << d.dump();
    EXPECT_EQ(d.at("mismatches"), nlohmann::json::array()) << d.dump();
  }
}

TEST_F(ClobberCycle, SelectiveRestoreTouchesOnlyTheSelectedDevice) {
  const std::string out = tmp_.file("out.txt");
  const RunResult r = run_capstate(
      tmp_, {"restore", "-i", state_, "--dump", clobbered_, "-s", "00:02.0", "--output-dump", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0000:00:02.0: 0 writes; verify OK (0 registers)\n");
  EXPECT_EQ(read_text(out), read_text(clobbered_));
  const RunResult none =
      run_capstate(tmp_, {"restore", "-i", state_, "--dump", clobbered_, "-s", "09:00.0"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no device matches -s/-d; nothing was written"), std::string::npos)
      << none.err;
}

}  // namespace
}  // namespace capstate::clitest
