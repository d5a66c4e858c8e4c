// A fake sysfs tree with two copies of the LTR test endpoint (tests/data/ltr), a state file saved
// from it, then the LTR latencies cleared in both so a restore has writes to do. Undo files and
// locks go to directories inside the test's temp dir.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "undo_test_util.hpp"

namespace capstate::undotest {

/// Max snoop latency of the test endpoint (LTR capability at 0x148).
inline constexpr std::size_t kSnoop = 0x14c;
/// Max no-snoop latency of the test endpoint.
inline constexpr std::size_t kNoSnoop = 0x14e;
/// The first device.
inline const std::string kFirst = "0000:01:00.0";
/// The second device.
inline const std::string kSecond = "0000:02:00.0";

class UndoFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    original_ = dump_config("ltr/ltr-endpoint.xxxx.txt", kFirst);
    ASSERT_EQ(original_.size(), 4096U);
    ASSERT_EQ(word_at(original_, kSnoop), 0x0846);
    ASSERT_EQ(word_at(original_, kNoSnoop), 0x0c0f);
    clobbered_ = with_word(with_word(original_, kSnoop, 0x0000), kNoSnoop, 0x0000);
    first_ = add_sysfs_device(sysfs_, kFirst, original_, 0666);
    second_ = add_sysfs_device(sysfs_, kSecond, original_, 0666);
    std::filesystem::create_directories(run_);
    std::filesystem::permissions(run_, std::filesystem::perms::all);
    write_text(policy_, "lock_dir = \"" + lock_dir_ + "\"\n");
    const RunResult saved = run({"save", "-o", state_});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    add_sysfs_device(sysfs_, kFirst, clobbered_, 0666);
    add_sysfs_device(sysfs_, kSecond, clobbered_, 0666);
  }

  /// Runs capstate on the fake sysfs tree with the test policy (lock_dir inside the temp dir).
  RunResult run(std::vector<std::string> args, const RunOptions& options = {}) {
    args.insert(args.begin(), {"--config", policy_});
    args.insert(args.end(), {"--sysfs-root", sysfs_.string()});
    return run_capstate(tmp_, args, options);
  }

  /// "restore -i STATE --undo-dir UNDO" plus `extra`.
  RunResult restore(const std::vector<std::string>& extra = {}, const RunOptions& options = {}) {
    std::vector<std::string> args{"restore", "-i", state_, "--undo-dir", undo_dir_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, options);
  }

  TempDir tmp_;
  std::filesystem::path sysfs_ = tmp_.path() / "sys";
  std::filesystem::path run_ = tmp_.path() / "run";  // mode 0777: "nobody" runs write here
  std::string lock_dir_ = (run_ / "lock").string();
  std::string undo_dir_ = (run_ / "undo").string();
  std::string policy_ = tmp_.file("policy.toml");
  std::string state_ = (run_ / "saved.cst").string();
  std::vector<std::uint8_t> original_;
  std::vector<std::uint8_t> clobbered_;
  std::filesystem::path first_;
  std::filesystem::path second_;
};

}  // namespace capstate::undotest
