// FileLock: a second process is refused and told the holder's pid; one process may take the
// same lock twice without losing it (POSIX locks drop on ANY close of the file); a file's
// sidecar lock is removed when the lock is given up, and a lock taken while its holder removes
// the file is taken again on the new file.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <thread>
#include <vector>

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

/// A pipe between this process and a forked child: one byte at a time, to take turns.
class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_) != 0) {
      throw std::runtime_error("pipe() failed");
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  void send(char c) const {
    if (::write(fds_[1], &c, 1) != 1) {
      throw std::runtime_error("write to pipe failed");
    }
  }
  /// The next byte, or 0 when the other end is closed.
  char receive() const {
    char c = 0;
    return ::read(fds_[0], &c, 1) == 1 ? c : 0;
  }

 private:
  int fds_[2] = {-1, -1};
};

/// Starts `body` in a forked child that exits with its return value; returns the child's pid.
pid_t start_child(const std::function<int()>& body) {
  const pid_t child = ::fork();
  if (child == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
      code = 98;
    }
    ::_exit(code);
  }
  return child;
}

/// Waits for `child`; returns its exit code (-1 when it did not exit normally).
int wait_child(pid_t child) {
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The names in `dir` ending in ".lock" (files, sorted), e.g. ".out.cst.lock".
std::vector<std::string> lock_files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& file : files_ending(dir, ".lock")) {
    names.push_back(file.filename().string());
  }
  return names;
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

TEST(FileLock, SidecarOfAWrittenFileIsRemovedWhenTheLastCopyIsReleased) {
  TempDir tmp;
  const std::string target = tmp.file("out.cst");
  const auto sidecar = tmp.path() / ".out.cst.lock";
  const pid_t me = ::getpid();
  core::FileLock first = core::lock_file_for_writing(target);
  core::FileLock second = core::lock_file_for_writing(target);  // shares the descriptor
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{".out.cst.lock"});
  first.release();
  // The other copy still holds it: the file stays and other processes are still refused.
  EXPECT_TRUE(std::filesystem::exists(sidecar));
  EXPECT_EQ(in_child([&] { return probe_lock(sidecar, me); }), kRefusedByParent);
  second.release();
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{});
  // And it can be taken again afterwards, by this process or another.
  EXPECT_EQ(in_child([&] {
              const core::FileLock again = core::lock_file_for_writing(target);
              return again.held() && std::filesystem::exists(sidecar) ? 0 : 1;
            }),
            0);
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{});
}

TEST(FileLock, DeviceLockFilesStayInTheLockDirectory) {
  TempDir tmp;
  const auto dir = tmp.path() / "locks";
  core::lock_device(dir, "0000:01:00.0").release();
  EXPECT_EQ(lock_files_in(dir), std::vector<std::string>{"0000:01:00.0.lock"});
}

TEST(FileLock, BusyAfterARemovedLockNamesTheNewHolder) {
  TempDir tmp;
  const std::string target = tmp.file("out.cst");
  core::lock_file_for_writing(target).release();  // created and removed again
  Pipe held;
  Pipe done;
  const pid_t holder = start_child([&] {
    const core::FileLock lock = core::lock_file_for_writing(target);
    held.send('h');
    done.receive();
    return 0;
  });
  ASSERT_EQ(held.receive(), 'h');
  const std::string want =
      "file '" + target + "' is being written by another capstate process (pid " +
      std::to_string(holder) + "); wait for it to finish, or check that pid (lock file '" +
      tmp.file(".out.cst.lock") + "')";
  const int code = in_child([&] {
    try {
      core::lock_file_for_writing(target);
      return 1;
    } catch (const core::LockBusy& e) {
      return e.what() == want && e.holder() == holder ? 0 : 2;
    }
  });
  done.send('d');
  EXPECT_EQ(code, 0);
  EXPECT_EQ(wait_child(holder), 0);
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{});
}

// The race the removal protocol exists for: this process opens the lock file, then (before it
// locks) the holder releases and removes it. The lock this process then gets is on a file no
// longer reachable by name, so try_lock must notice and lock a new file of that name.
TEST(FileLock, LockTakenWhileTheHolderRemovesTheFileIsTakenAgainOnTheNewFile) {
  TempDir tmp;
  const std::string target = tmp.file("out.cst");
  const auto sidecar = tmp.path() / ".out.cst.lock";
  Pipe held;
  Pipe release;
  Pipe released;
  const pid_t holder = start_child([&] {
    core::FileLock lock = core::lock_file_for_writing(target);
    held.send('h');
    if (release.receive() != 'r') {
      return 1;
    }
    lock.release();  // removes the file, then drops the lock
    released.send('x');
    return 0;
  });
  ASSERT_EQ(held.receive(), 'h');
  // Mark the holder's file (inode numbers are reused at once, so they cannot tell the files
  // apart): lock files are empty, so an empty file later is a new one.
  write_text(sidecar, "old");
  int opened = 0;
  core::detail::set_lock_after_open_hook([&] {
    if (++opened == 1) {  // the first open got the holder's file: let it go now
      release.send('r');
      released.receive();
    }
  });
  std::optional<core::FileLock> lock;
  try {
    lock = core::lock_file_for_writing(target);
  } catch (...) {
    core::detail::set_lock_after_open_hook({});
    throw;
  }
  core::detail::set_lock_after_open_hook({});
  EXPECT_EQ(wait_child(holder), 0);
  ASSERT_TRUE(lock && lock->held());
  EXPECT_EQ(opened, 2) << "the lock on the removed file was kept instead of starting again";
  // The file of that name exists, is a new one, and is the one locked: others are refused.
  ASSERT_TRUE(std::filesystem::exists(sidecar)) << "locked a file that no longer has a name";
  EXPECT_EQ(std::filesystem::file_size(sidecar), 0U);
  EXPECT_EQ(in_child([&] { return probe_lock(sidecar, ::getppid()); }), kRefusedByParent);
  lock->release();
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{});
}

// Many processes taking and releasing (so creating and removing) one file's lock as fast as
// they can: never two holders at once, never a lock on a file that lost its name, never a
// refusal naming the refused process itself.
TEST(FileLock, ProcessesRacingForARemovedLockNeverHoldItTogether) {
  TempDir tmp;
  const std::string target = tmp.file("out.cst");
  const auto inside = tmp.path() / "inside";
  constexpr int kChildren = 4;
  constexpr int kRounds = 300;
  Pipe go;
  std::vector<pid_t> children;
  for (int i = 0; i < kChildren; ++i) {
    children.push_back(start_child([&] {
      go.receive();
      for (int round = 0; round < kRounds; ++round) {
        try {
          const core::FileLock lock = core::lock_file_for_writing(target);
          // Only one process may be here: creating `inside` exclusively proves it.
          const int fd = ::open(inside.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
          if (fd < 0) {
            return errno == EEXIST ? 2 : 3;
          }
          ::close(fd);
          if (!std::filesystem::exists(tmp.path() / ".out.cst.lock")) {
            return 4;  // holding a lock on a file no longer reachable by name
          }
          ::unlink(inside.c_str());
        } catch (const core::LockBusy& e) {
          if (e.holder() == ::getpid()) {
            return 6;  // refused by itself
          }
        }
      }
      return 0;
    }));
  }
  for (int i = 0; i < kChildren; ++i) {
    go.send('g');
  }
  for (const pid_t child : children) {
    EXPECT_EQ(wait_child(child), 0)
        << "2: two holders at once, 4: a lock on a removed file, 6: refused by itself";
  }
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{});
}

// Threads of one process share the lock (POSIX locks are per process); one thread giving its
// copy up while another takes the lock must neither drop the other's lock nor remove its file.
TEST(FileLock, ThreadsTakingAndReleasingOneLockNeverLoseTheFile) {
  TempDir tmp;
  const std::string target = tmp.file("out.cst");
  const auto sidecar = tmp.path() / ".out.cst.lock";
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 2000; ++round) {
        const core::FileLock lock = core::lock_file_for_writing(target);
        if (!std::filesystem::exists(sidecar)) {
          ++lost;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(lost.load(), 0);
  EXPECT_EQ(lock_files_in(tmp.path()), std::vector<std::string>{});
}

}  // namespace
}  // namespace capstate::undotest
