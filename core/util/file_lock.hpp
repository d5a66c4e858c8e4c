// Advisory locks between capstate processes: one per device being restored, one per file being
// written. fcntl record locks, taken without waiting; a conflict names the holder's pid.
#pragma once

#include <sys/types.h>

#include <filesystem>
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

/// A write lock on one lock file, held until the last copy of the FileLock goes away.
///
/// POSIX record locks belong to the process and are dropped when the process closes ANY
/// descriptor of the file. So each lock file is opened once per process: taking a lock this
/// process already holds shares the open descriptor instead of opening a second one, and lock
/// files are never removed (removing one would let two processes lock two different files of
/// the same name). Nothing else in capstate opens lock files. A forked child inherits no lock.
class FileLock {
 public:
  /// An empty object that holds nothing.
  FileLock() = default;

  /// Takes a write lock on `lock_file` (created with mode 0644 when missing) without waiting.
  /// Returns nothing and sets `*holder` (when given) to the holder's pid, or 0 when unknown,
  /// if another process holds it. Throws FileError when the lock file cannot be opened.
  static std::optional<FileLock> try_lock(const std::filesystem::path& lock_file,
                                          pid_t* holder = nullptr);

  /// Whether this object holds a lock.
  bool held() const { return held_ != nullptr; }
  /// The lock file (empty when nothing is held).
  std::filesystem::path path() const;
  /// Gives the lock up now (the file stays; other copies keep it held).
  void release() { held_.reset(); }

 private:
  std::shared_ptr<detail::HeldLock> held_;
};

/// `<lock_dir>/<device>.lock`, e.g. /run/lock/capstate/0000:01:00.0.lock.
std::filesystem::path device_lock_path(const std::filesystem::path& lock_dir,
                                       const std::string& device);

/// The sidecar lock file of `target`: `<dir>/.<name>.lock` next to it.
std::filesystem::path file_lock_path(const std::filesystem::path& target);

/// Locks device `device` (canonical address) for a restore; creates `lock_dir` when missing.
/// Throws LockBusy ("device ... is being restored by another capstate process (pid N); ...")
/// or FileError when the lock directory or file cannot be made.
FileLock lock_device(const std::filesystem::path& lock_dir, const std::string& device);

/// Locks `target` for writing through its sidecar lock file (see file_lock_path). Throws
/// LockBusy ("file ... is being written by another capstate process (pid N); ...") or
/// FileError when the sidecar cannot be created (e.g. the directory does not exist).
FileLock lock_file_for_writing(const std::filesystem::path& target);

}  // namespace capstate::core
