// FileLock: a second process is refused and told the holder's pid; one process may take the
// same lock twice without losing it (POSIX locks drop on ANY close of the file).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "undo_test_util.hpp"
#include "util/file_error.hpp"
#include "util/file_lock.hpp"

namespace capstate::undotest {
namespace {

using ::testing::HasSubstr;

// Exit codes of the child's probe.
constexpr int kGotLock = 10;
constexpr int kRefusedByParent = 11;
constexpr int kRefusedOther = 12;

/// Runs `probe` in a forked child; returns its exit code.
int in_child(const std::function<int()>& probe) {
  const pid_t child = ::fork();
  if (child == 0) {
    int code = 99;
    try {
      code = probe();
    } catch (...) {
      code = 98;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Child probe: tries the lock; tells whether it got it or who refused it.
int probe_lock(const std::filesystem::path& file, pid_t parent) {
  pid_t holder = 0;
  const auto lock = core::FileLock::try_lock(file, &holder);
  if (lock) {
    return kGotLock;
  }
  return holder == parent ? kRefusedByParent : kRefusedOther;
}

TEST(FileLock, SecondProcessIsRefusedAndToldTheHolder) {
  TempDir tmp;
  const auto file = tmp.path() / "x.lock";
  const pid_t me = ::getpid();
  auto lock = core::FileLock::try_lock(file);
  ASSERT_TRUE(lock.has_value());
  EXPECT_TRUE(lock->held());
  EXPECT_EQ(lock->path(), file);
  EXPECT_EQ(in_child([&] { return probe_lock(file, me); }), kRefusedByParent);
  lock->release();
  EXPECT_FALSE(lock->held());
  EXPECT_EQ(in_child([&] { return probe_lock(file, me); }), kGotLock);
}

TEST(FileLock, TakingTheSameLockTwiceSharesItAndReleasingOneKeepsIt) {
  TempDir tmp;
  const auto file = tmp.path() / "x.lock";
  const pid_t me = ::getpid();
  auto first = core::FileLock::try_lock(file);
  auto second = core::FileLock::try_lock(file);
  ASSERT_TRUE(first && second);
  second->release();  // must not close the descriptor that holds the lock
  EXPECT_EQ(in_child([&] { return probe_lock(file, me); }), kRefusedByParent);
  first->release();
  EXPECT_EQ(in_child([&] { return probe_lock(file, me); }), kGotLock);
}

TEST(FileLock, DeviceAndFileLocksNameWhatIsBusy) {
  TempDir tmp;
  const auto dir = tmp.path() / "locks" / "deeper";
  const core::FileLock device = core::lock_device(dir, "0000:01:00.0");
  EXPECT_EQ(device.path(), dir / "0000:01:00.0.lock");
  const std::string target = tmp.file("out.cst");
  const core::FileLock file = core::lock_file_for_writing(target);
  EXPECT_EQ(file.path(), tmp.path() / ".out.cst.lock");
  const std::string me = std::to_string(::getpid());
  const int code = in_child([&] {
    try {
      core::lock_device(dir, "0000:01:00.0");
      return 1;
    } catch (const core::LockBusy& e) {
      const std::string want =
          "device 0000:01:00.0 is being restored by another capstate "
          "process (pid " +
          me + "); wait for it to finish, or check that pid (lock file '" +
          (dir / "0000:01:00.0.lock").string() + "')";
      if (e.what() != want || e.holder() != ::getppid()) {
        return 2;
      }
    }
    try {
      core::lock_file_for_writing(target);
      return 3;
    } catch (const core::LockBusy& e) {
      const std::string want = "file '" + target +
                               "' is being written by another capstate process (pid " + me +
                               "); wait for it to finish, or check that pid (lock file '" +
                               tmp.file(".out.cst.lock") + "')";
      return e.what() == want ? 0 : 4;
    }
  });
  EXPECT_EQ(code, 0);
}

TEST(FileLock, MissingDirectoryOfAFileIsAFileError) {
  TempDir tmp;
  const std::string target = tmp.file("nope/out.cst");
  try {
    core::lock_file_for_writing(target);
    ADD_FAILURE() << "no error";
  } catch (const core::FileError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot write '" + target + "': cannot open the lock file '" +
                  tmp.file("nope/.out.cst.lock") +
                  "': No such file or directory; its directory does not exist; create it or "
                  "choose another path");
  }
}

TEST(FileLock, LockDirectoryThatCannotBeMadeIsAFileError) {
  TempDir tmp;
  write_text(tmp.path() / "file", "x");
  const auto dir = tmp.path() / "file" / "locks";
  try {
    core::lock_device(dir, "0000:01:00.0");
    ADD_FAILURE() << "no error";
  } catch (const core::FileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create the lock directory '" + dir.string() +
                                    "' for device 0000:01:00.0: "));
    EXPECT_THAT(e.what(), HasSubstr("; create it, or set lock_dir in the policy to a writable "
                                    "directory"));
  }
}

}  // namespace
}  // namespace capstate::undotest
