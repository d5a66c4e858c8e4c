// Advisory locks between capstate processes: one per device being restored, one per file being
// written. fcntl record locks, taken without waiting; a conflict names the holder's pid.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace capstate::core {

/// Another process holds the lock; what() names the device or file, the pid and what to do.
class LockBusy : public std::runtime_error {
 public:
  /// `message` is the full text; `holder` the pid F_GETLK reported (0 when it could not tell).
  LockBusy(const std::string& message, pid_t holder)
      : std::runtime_error(message), holder_(holder) {}
  /// The pid of the process holding the lock, or 0 when unknown.
  pid_t holder() const noexcept { return holder_; }

 private:
  pid_t holder_ = 0;
};

namespace detail {
struct HeldLock;
}  // namespace detail

/// What happens to a lock file when the lock is given up.
enum class LockFileCleanup {
  keep,    ///< the file stays (device locks: a runtime directory, one file per device)
  remove,  ///< the file is removed before the lock is dropped (sidecars beside users' files)
};

/// A write lock on one lock file, held until the last copy of the FileLock goes away.
///
/// POSIX record locks belong to the process and are dropped when the process closes ANY
/// descriptor of the file. So each lock file is opened once per process: taking a lock this
/// process already holds shares the open descriptor instead of opening a second one. Nothing
/// else in capstate opens lock files. A forked child inherits no lock and removes no file.
///
/// Removing lock files (LockFileCleanup::remove). A file is removed only by the process
/// holding its lock, while still holding it: unlink first, close (which drops the lock) after.
/// A process that opened the old file before the unlink may then get the lock on an inode no
/// longer reachable by name, while a third process creates and locks a new file of the same
/// name: two holders. So after taking a lock, try_lock checks that the path still names the
/// locked inode (fstat of the descriptor against lstat of the path) and, if not, closes and
/// starts again. Lock files are therefore removed, not moved to a runtime directory
/// (/run/capstate): that directory needs root to create (save, assemble and migrate run as any
/// user), a per-user one (XDG_RUNTIME_DIR) would not exclude two users writing one shared file,
/// and keying a runtime lock by the target's name misses the same file reached through another
/// path (symlinked or bind-mounted directories), which a sidecar beside the file cannot.
/// A file whose removal fails (e.g. someone else's file in a sticky /tmp) stays, as before.
class FileLock {
 public:
  /// An empty object that holds nothing.
  FileLock() = default;

  /// Takes a write lock on `lock_file` (created with mode 0644 when missing) without waiting.
  /// Returns nothing and sets `*holder` (when given) to the holder's pid, or 0 when unknown,
  /// if another process holds it. Throws FileError when the lock file cannot be opened, or
  /// keeps being replaced by another program. `cleanup` applies when this call opens the file;
  /// a lock this process already holds is shared as it was taken.
  static std::optional<FileLock> try_lock(const std::filesystem::path& lock_file,
                                          pid_t* holder = nullptr,
                                          LockFileCleanup cleanup = LockFileCleanup::keep);

  /// Whether this object holds a lock.
  bool held() const { return held_ != nullptr; }
  /// The lock file (empty when nothing is held).
  std::filesystem::path path() const;
  /// Gives the lock up now (other copies keep it held; the last one removes the file when it
  /// was taken with LockFileCleanup::remove).
  void release() { held_.reset(); }

 private:
  std::shared_ptr<detail::HeldLock> held_;
};

/// `<lock_dir>/<device>.lock`, e.g. /run/lock/capstate/0000:01:00.0.lock. These files stay:
/// they live in a runtime directory (tmpfs, emptied at boot), one per device ever restored, and
/// keeping them means a capstate from before lock files were removed, still running during an
/// upgrade, excludes correctly on the device, which matters most.
std::filesystem::path device_lock_path(const std::filesystem::path& lock_dir,
                                       const std::string& device);

/// The sidecar lock file of `target`: `<dir>/.<name>.lock` next to it, present only while a
/// capstate process writes `target`.
std::filesystem::path file_lock_path(const std::filesystem::path& target);

/// Locks device `device` (canonical address) for a restore; creates `lock_dir` when missing.
/// Throws LockBusy ("device ... is being restored by another capstate process (pid N); ...")
/// or FileError when the lock directory or file cannot be made.
FileLock lock_device(const std::filesystem::path& lock_dir, const std::string& device);

/// Locks `target` for writing through its sidecar lock file (see file_lock_path), which is
/// removed again when the lock is given up (LockFileCleanup::remove). Throws
/// LockBusy ("file ... is being written by another capstate process (pid N); ...") or
/// FileError when the sidecar cannot be created (e.g. the directory does not exist).
FileLock lock_file_for_writing(const std::filesystem::path& target);

namespace detail {
/// Tests only: `hook` runs inside try_lock after the lock file is opened and before it is
/// locked (with this process's lock table held: it must not take locks itself). An empty
/// function removes it. Lets a test make another process release and remove the file exactly
/// there, which try_lock must notice and retry.
void set_lock_after_open_hook(std::function<void()> hook);
}  // namespace detail

}  // namespace capstate::core
