// Advisory locks seen from the command line: while this test process holds a device's or a
// file's lock, capstate refuses with the holder's pid, exit code 1, and writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "undo_fixture.hpp"
#include "util/file_lock.hpp"

namespace capstate::undotest {
namespace {

using ::testing::HasSubstr;

std::string pid_text() {
  return "(pid " + std::to_string(::getpid()) + ")";
}

/// The names of the files in `dir` ending in ".lock", sorted.
std::vector<std::string> lock_files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& file : files_ending(dir, ".lock")) {
    names.push_back(file.filename().string());
  }
  return names;
}

TEST_F(UndoFixture, RestoreRefusesADeviceAnotherProcessIsRestoring) {
  core::FileLock held = core::lock_device(lock_dir_, kSecond);
  const RunResult r = restore();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("device 0000:02:00.0 is being restored by another capstate "
                        "process " +
                        pid_text() + "; wait for it to finish, or check that pid (lock file '" +
                        lock_dir_ + "/0000:02:00.0.lock')"));
  // Zero writes, and no undo file either: the lock is taken before anything else.
  EXPECT_EQ(read_bytes(first_), clobbered_);
  EXPECT_EQ(read_bytes(second_), clobbered_);
  EXPECT_FALSE(std::filesystem::exists(undo_dir_));
  // Once the lock is released the same command works.
  held.release();
  const RunResult again = restore();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(word_at(read_bytes(second_), kSnoop), 0x0846);
}

TEST_F(UndoFixture, RestoreOfOtherDevicesIsNotBlocked) {
  const core::FileLock held = core::lock_device(lock_dir_, kSecond);
  const RunResult r = restore({"-s", "01:00.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(word_at(read_bytes(first_), kSnoop), 0x0846);
  EXPECT_EQ(read_bytes(second_), clobbered_);
}

TEST_F(UndoFixture, SaveRefusesAFileAnotherProcessIsWriting) {
  const std::string target = tmp_.file("busy.cst");
  const core::FileLock held = core::lock_file_for_writing(target);
  const RunResult r = run({"save", "-o", target});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("file '" + target + "' is being written by another capstate " + "process " +
                        pid_text() + "; wait for it to finish, or check that pid (lock file '" +
                        tmp_.file(".busy.cst.lock") + "')"));
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(UndoFixture, MigrateAndAssembleRefuseAFileAnotherProcessIsWriting) {
  const std::string target = tmp_.file("busy.cst");
  write_text(target, "old content");
  const core::FileLock held = core::lock_file_for_writing(target);
  const RunResult m = run_capstate(tmp_, {"migrate", state_, "--to", "ltr=1", "-o", target});
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_THAT(m.err, HasSubstr("file '" + target + "' is being written by another capstate " +
                               "process " + pid_text()));
  const std::string toml = tmp_.file("state.toml");
  const RunResult inspect = run_capstate(tmp_, {"inspect", state_});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  write_text(toml, inspect.out);
  const RunResult a = run_capstate(tmp_, {"assemble", toml, "-o", target});
  EXPECT_EQ(a.exit_code, 1);
  EXPECT_THAT(a.err, HasSubstr("file '" + target + "' is being written by another capstate " +
                               "process " + pid_text()));
  const std::vector<std::uint8_t> content = read_bytes(target);
  EXPECT_EQ(std::string(content.begin(), content.end()), "old content");
}

TEST_F(UndoFixture, RestoreToADumpLocksTheOutputDump) {
  const std::string dump = std::string(CAPSTATE_TEST_DATA_DIR) + "/qemu-q35-guest.xxxx.txt";
  const std::string q35_state = tmp_.file("q35.cst");
  ASSERT_EQ(run_capstate(tmp_, {"save", "--dump", dump, "-o", q35_state}).exit_code, 0);
  const std::string out = tmp_.file("restored.txt");
  const core::FileLock held = core::lock_file_for_writing(out);
  const RunResult r =
      run_capstate(tmp_, {"restore", "-i", q35_state, "--dump", dump, "--output-dump", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("file '" + out + "' is being written by another capstate " +
                               "process " + pid_text()));
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Issue 21: the sidecar lock of every file a command writes is gone when the command ends.
TEST_F(UndoFixture, WrittenFilesLeaveNoLockFileBehind) {
  const std::vector<std::string> none;
  // save -o (SetUp saved run/saved.cst)
  ASSERT_TRUE(std::filesystem::exists(state_));
  EXPECT_EQ(lock_files_in(run_), none);
  // restore with an undo file
  const RunResult r = restore();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(files_ending(undo_dir_, ".state").size(), 1U);
  EXPECT_EQ(lock_files_in(undo_dir_), none);
  EXPECT_EQ(lock_files_in(run_), none);
  // migrate -o
  const std::string migrated = tmp_.file("migrated.cst");
  const RunResult m = run_capstate(tmp_, {"migrate", state_, "--to", "ltr=1", "-o", migrated});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(lock_files_in(tmp_.path()), none);
  // restore --output-dump
  const std::string dump = std::string(CAPSTATE_TEST_DATA_DIR) + "/qemu-q35-guest.xxxx.txt";
  const std::string q35_state = tmp_.file("q35.cst");
  ASSERT_EQ(run_capstate(tmp_, {"save", "--dump", dump, "-o", q35_state}).exit_code, 0);
  const std::string out = tmp_.file("restored.txt");
  const RunResult d =
      run_capstate(tmp_, {"restore", "-i", q35_state, "--dump", dump, "--output-dump", out});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_EQ(lock_files_in(tmp_.path()), none);
  // A refused command removes no one else's lock file: the holder's stays while it holds it.
  const core::FileLock held = core::lock_file_for_writing(out);
  const RunResult busy =
      run_capstate(tmp_, {"restore", "-i", q35_state, "--dump", dump, "--output-dump", out});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_EQ(lock_files_in(tmp_.path()), std::vector<std::string>{".restored.txt.lock"});
}

// Device locks live in the lock directory (a runtime directory, /run/lock/capstate by default)
// and are kept on purpose; see core/util/file_lock.hpp.
TEST_F(UndoFixture, LockFilesStayAndAreReusedAfterwards) {
  const RunResult first = restore();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(std::filesystem::exists(lock_dir_ + "/0000:01:00.0.lock"));
  EXPECT_TRUE(std::filesystem::exists(lock_dir_ + "/0000:02:00.0.lock"));
  // A lock file left behind does not block anyone: no process holds it.
  add_sysfs_device(sysfs_, kFirst, clobbered_, 0666);
  const RunResult second = restore();
  ASSERT_EQ(second.exit_code, 0) << second.err;
}

}  // namespace
}  // namespace capstate::undotest
