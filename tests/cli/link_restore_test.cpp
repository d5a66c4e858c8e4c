// L1 PM Substates on both ends of a real link, through the CLI: the Cannon Point root port
// 00:1c.4 (secondary bus 02) and the Toshiba NVMe SSD, placed at 02:00.0 below it, both with L1.2
// enabled. After both ends lose their L1 PM Substates and ASPM settings, restore --dry-run shows
// the port's writes under both devices, and the restore brings back what lspci showed, L1.2
// included; the SSD restored alone keeps L1.2 off and warns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr unsigned kPortL1ss = 0x200;       // the root port's L1 PM Substates (lspci: [200 v1])
constexpr unsigned kSsdL1ss = 0x400;        // the SSD's (lspci: [400 v1])
constexpr unsigned kSsdLinkControl = 0x50;  // the SSD's Link Control (PCIe capability at 0x40)

// The L1 PM Substates control lines and the Link Control line of `lspci -vv` output.
std::vector<std::string> link_lines(const std::string& lspci_vv) {
  std::vector<std::string> out;
  bool continues = false;
  for (const std::string& line : lines_of(lspci_vv)) {
    const std::size_t start = line.find_first_not_of(" \t");
    const std::string text = start == std::string::npos ? "" : line.substr(start);
    if (text.rfind("L1SubCtl", 0) == 0 || text.rfind("LnkCtl:", 0) == 0 ||
        (continues && text.rfind("T_CommonMode", 0) == 0)) {
      out.push_back(text);
    }
    continues = text.rfind("L1SubCtl1", 0) == 0;
  }
  return out;
}

class LinkRestoreCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string ssd = read_text(data_file("real/toshiba-nvme-ssd-l1ss-ltr.xxxx.txt"));
    ASSERT_EQ(ssd.rfind("04:00.0 ", 0), 0U);
    ssd.replace(0, 7, "02:00.0");
    write_text(link_, read_text(data_file("real/intel-cannonpoint-lp-pcie-root-port-dpc-ptm."
                                          "xxxx.txt")) +
                          "\n" + ssd);
    const RunResult saved = run_capstate(tmp_, {"save", "--dump", link_, "-o", state_});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    // Both ends as after a reset: L1 PM Substates Control 1 and 2 zero, the SSD's ASPM off.
    const std::vector<std::uint8_t> zero(8, 0);
    std::string text = patch_dump(read_text(link_), "00:1c.4", kPortL1ss + 0x08, zero);
    text = patch_dump(text, "02:00.0", kSsdL1ss + 0x08, zero);
    text = patch_dump(text, "02:00.0", kSsdLinkControl, {0x40});  // ASPM L1 off, CommClk kept
    write_text(reset_, text);
  }

  TempDir tmp_;
  std::string link_ = tmp_.file("link.txt");
  std::string reset_ = tmp_.file("reset.txt");
  std::string state_ = tmp_.file("link.cst");
};

TEST_F(LinkRestoreCli, TheResetReallyChangesWhatLspciShows) {
  const std::vector<std::string> before = link_lines(run_lspci(link_, "-vv -s 02:00.0"));
  const std::vector<std::string> after = link_lines(run_lspci(reset_, "-vv -s 02:00.0"));
  ASSERT_EQ(before.size(), 4U);
  EXPECT_EQ(before[1], "L1SubCtl1: PCI-PM_L1.2+ PCI-PM_L1.1- ASPM_L1.2+ ASPM_L1.1-");
  EXPECT_NE(before, after);
}

TEST_F(LinkRestoreCli, DryRunShowsThePortsWritesUnderBothDevices) {
  const RunResult r = run_capstate(tmp_, {"restore", "-i", state_, "--dump", reset_, "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t port = r.out.find("0000:00:1c.4: ");
  const std::size_t ssd = r.out.find("\n0000:02:00.0: ");
  ASSERT_NE(port, std::string::npos) << r.out;
  ASSERT_NE(ssd, std::string::npos) << r.out;
  EXPECT_LT(port, ssd) << "the port is planned and written first";
  const std::string port_part = r.out.substr(port, ssd - port);
  const std::string ssd_part = r.out.substr(ssd);
  EXPECT_THAT(port_part, HasSubstr("  by 0000:02:00.0: ~ phase 150 l1ss   l1ss_control1"));
  EXPECT_THAT(ssd_part, HasSubstr("on upstream port 0000:00:1c.4"));
  EXPECT_THAT(r.err, Not(HasSubstr("L1.2")));
}

TEST_F(LinkRestoreCli, RestoreBringsBackL12OnBothEnds) {
  const std::string out = tmp_.file("restored.txt");
  const RunResult r =
      run_capstate(tmp_, {"restore", "-i", state_, "--dump", reset_, "--output-dump", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* device : {"00:1c.4", "02:00.0"}) {
    const std::string args = std::string("-vv -s ") + device;
    EXPECT_EQ(link_lines(run_lspci(out, args)), link_lines(run_lspci(link_, args))) << device;
  }
}

TEST_F(LinkRestoreCli, TheSsdAloneKeepsL12OffAndWarns) {
  const std::string out = tmp_.file("restored.txt");
  const RunResult r = run_capstate(
      tmp_, {"restore", "-i", state_, "--dump", reset_, "-s", "02:00.0", "--output-dump", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("0000:02:00.0"));
  EXPECT_THAT(r.err, HasSubstr("the other end of the link is not in this restore"));
  const std::vector<std::string> lines = link_lines(run_lspci(out, "-vv -s 02:00.0"));
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[1], "L1SubCtl1: PCI-PM_L1.2- PCI-PM_L1.1- ASPM_L1.2- ASPM_L1.1-");
}

}  // namespace
}  // namespace capstate::clitest
