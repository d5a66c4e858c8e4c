// Progress on stderr: one line rewritten in place per device and cleared at the end, only when
// stderr is a terminal, the work spans kProgressMinDevices (8) or more devices, and -q is absent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "pty_runner.hpp"

namespace capstate::clitest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The twelve devices of the q35 dump, in address order.
const std::vector<std::string> kQ35Devices = {
    "0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:1f.0",
    "0000:00:1f.2", "0000:00:1f.3", "0000:01:00.0", "0000:02:00.0", "0000:03:00.0", "0000:04:00.0"};

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

// What the terminal shows for `action` over the q35 devices: every line starts with "\r" and
// is as long as the longest one so far; the last is blanked out and the cursor put back.
std::string expected_progress(const std::string& action) {
  std::string text;
  std::size_t width = 0;
  for (std::size_t i = 0; i < kQ35Devices.size(); ++i) {
    std::string line = action + " " + std::to_string(i + 1) + "/" +
                       std::to_string(kQ35Devices.size()) + " " + kQ35Devices[i];
    line.resize(std::max(width, line.size()), ' ');
    width = line.size();
    text += "\r" + line;
  }
  return text + "\r" + std::string(width, ' ') + "\r";
}

class Progress : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_capstate(tmp_, {"save", "--dump", q35(), "-o", state_}).exit_code, 0);
  }

  TempDir tmp_;
  std::string state_ = tmp_.file("q35.cst");
};

TEST_F(Progress, SaveOnATerminalShowsEveryDeviceAndClearsTheLine) {
  const TtyRunResult r =
      run_capstate_on_tty(tmp_, {"save", "--dump", q35(), "-o", tmp_.file("again.cst")});
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  EXPECT_THAT(r.tty, HasSubstr(expected_progress("saving")));
  EXPECT_THAT(r.out, HasSubstr("saved 12 devices"));
  // The last visible state of the line before it is cleared.
  EXPECT_THAT(r.tty, HasSubstr("\rsaving 12/12 0000:04:00.0"));
}

TEST_F(Progress, RestoreOnATerminalShowsPlanningThenRestoring) {
  const TtyRunResult r = run_capstate_on_tty(
      tmp_, {"restore", "-i", state_, "--dump", q35(), "--output-dump", tmp_.file("out.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  EXPECT_THAT(r.tty, HasSubstr(expected_progress("planning") + expected_progress("restoring")));
}

TEST_F(Progress, DiffOnATerminalShowsComparing) {
  const TtyRunResult r = run_capstate_on_tty(tmp_, {"diff", state_, "--dump", q35()});
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  EXPECT_THAT(r.tty, HasSubstr(expected_progress("comparing")));
}

TEST_F(Progress, QuietOnATerminalShowsNothing) {
  const TtyRunResult r =
      run_capstate_on_tty(tmp_, {"-q", "save", "--dump", q35(), "-o", tmp_.file("again.cst")});
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  EXPECT_EQ(r.tty, "");
  const TtyRunResult restore =
      run_capstate_on_tty(tmp_, {"restore", "-i", state_, "--dump", q35(), "-q"});
  ASSERT_EQ(restore.exit_code, 0) << restore.tty;
  EXPECT_EQ(restore.tty, "");
}

TEST_F(Progress, ExactlyTheThresholdShowsProgressFewerShowNothing) {
  // Bus 00 holds eight devices: exactly kProgressMinDevices.
  const TtyRunResult eight =
      run_capstate_on_tty(tmp_, {"save", "--dump", q35(), "-s", "00:", "-o", tmp_.file("8.cst")});
  ASSERT_EQ(eight.exit_code, 0) << eight.tty;
  EXPECT_THAT(eight.out, HasSubstr("saved 8 devices"));
  EXPECT_THAT(eight.tty, HasSubstr("\rsaving 8/8 0000:00:1f.3"));
  // Four of them are Intel's.
  const TtyRunResult four = run_capstate_on_tty(
      tmp_, {"save", "--dump", q35(), "-s", "00:", "-d", "8086:", "-o", tmp_.file("4.cst")});
  ASSERT_EQ(four.exit_code, 0) << four.tty;
  EXPECT_THAT(four.out, HasSubstr("saved 4 devices"));
  EXPECT_THAT(four.tty, Not(HasSubstr("saving")));
  EXPECT_THAT(four.tty, Not(HasSubstr("\r")));
}

TEST_F(Progress, StderrThatIsNotATerminalGetsNoProgress) {
  const RunResult save = run_capstate(tmp_, {"save", "--dump", q35(), "-o", tmp_.file("b.cst")});
  ASSERT_EQ(save.exit_code, 0) << save.err;
  EXPECT_THAT(save.err, Not(HasSubstr("saving")));
  EXPECT_THAT(save.err, Not(HasSubstr("\r")));
  const RunResult diff = run_capstate(tmp_, {"diff", state_, "--dump", q35()});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_THAT(diff.err, Not(HasSubstr("comparing")));
  EXPECT_THAT(diff.err, Not(HasSubstr("\r")));
}

}  // namespace
}  // namespace capstate::clitest
