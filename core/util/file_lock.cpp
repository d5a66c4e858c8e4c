#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "util/file_error.hpp"

namespace capstate::core {

namespace detail {

/// One open lock file with this process's write lock on it; closing the descriptor drops it.
struct HeldLock {
  HeldLock(std::filesystem::path p, int descriptor, dev_t device, ino_t inode)
      : path(std::move(p)), fd(descriptor), dev(device), ino(inode), owner(::getpid()) {}
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  ~HeldLock();

  std::filesystem::path path;
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  pid_t owner = 0;  ///< the process holding the lock (a forked child inherits none)
};

}  // namespace detail

namespace {

using Key = std::pair<dev_t, ino_t>;

/// The lock files this process holds, by device and inode, so none is opened twice.
struct HeldTable {
  std::mutex mutex;
  std::map<Key, std::weak_ptr<detail::HeldLock>> locks;
};

HeldTable& held_table() {
  static HeldTable table;
  return table;
}

std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

/// The pid holding a conflicting lock on `fd`, or 0 when the lock is gone or the pid is unknown.
pid_t lock_holder(int fd) {
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = 0;
  probe.l_len = 0;
  if (::fcntl(fd, F_GETLK, &probe) != 0 || probe.l_type == F_UNLCK || probe.l_pid < 0) {
    return 0;
  }
  return probe.l_pid;
}

std::string holder_text(pid_t holder) {
  return holder > 0 ? "pid " + std::to_string(holder) : "pid unknown";
}

}  // namespace

detail::HeldLock::~HeldLock() {
  std::lock_guard<std::mutex> guard(held_table().mutex);
  auto& locks = held_table().locks;
  const auto it = locks.find({dev, ino});
  if (it != locks.end() && it->second.expired()) {
    locks.erase(it);
  }
  ::close(fd);  // drops the record lock
}

std::optional<FileLock> FileLock::try_lock(const std::filesystem::path& lock_file, pid_t* holder) {
  if (holder != nullptr) {
    *holder = 0;
  }
  HeldTable& table = held_table();
  std::unique_lock<std::mutex> guard(table.mutex);
  // Already held by this process: share it (opening the file again and closing that descriptor
  // would drop the lock).
  struct stat st {};
  if (::stat(lock_file.c_str(), &st) == 0) {
    const auto it = table.locks.find({st.st_dev, st.st_ino});
    if (it != table.locks.end()) {
      std::shared_ptr<detail::HeldLock> held = it->second.lock();
      if (held && held->owner == ::getpid()) {
        FileLock lock;
        lock.held_ = std::move(held);
        return lock;
      }
    }
  }
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    const int error = errno;
    std::string hint = error == ENOENT || error == ENOTDIR
                           ? "its directory does not exist; create it or choose another path"
                       : error == EACCES || error == EROFS
                           ? "the directory or the lock file is not writable for this user; run "
                             "as the user who owns it, or choose another path"
                           : "check the path";
    throw FileError(lock_file,
                    "cannot open the lock file " + quoted(lock_file) + ": " + std::strerror(error) +
                        "; " + hint,
                    error);
  }
  struct flock want {};
  want.l_type = F_WRLCK;
  want.l_whence = SEEK_SET;
  want.l_start = 0;
  want.l_len = 0;
  if (::fcntl(fd, F_SETLK, &want) != 0) {
    const int error = errno;
    if (error == EAGAIN || error == EACCES) {
      if (holder != nullptr) {
        *holder = lock_holder(fd);
      }
      ::close(fd);  // this process held no lock on the file, so closing drops nothing
      return std::nullopt;
    }
    ::close(fd);
    throw FileError(lock_file,
                    "cannot lock " + quoted(lock_file) + ": " + std::strerror(error) +
                        "; the file system may not support locks, choose a local directory",
                    error);
  }
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    throw FileError(lock_file,
                    "cannot stat the lock file " + quoted(lock_file) + ": " + std::strerror(error));
  }
  auto held = std::make_shared<detail::HeldLock>(lock_file, fd, st.st_dev, st.st_ino);
  table.locks[{st.st_dev, st.st_ino}] = held;
  FileLock lock;
  lock.held_ = std::move(held);
  return lock;
}

std::filesystem::path FileLock::path() const {
  return held_ ? held_->path : std::filesystem::path();
}

std::filesystem::path device_lock_path(const std::filesystem::path& lock_dir,
                                       const std::string& device) {
  return lock_dir / (device + ".lock");
}

std::filesystem::path file_lock_path(const std::filesystem::path& target) {
  std::filesystem::path dir = target.parent_path();
  return dir / ("." + target.filename().string() + ".lock");
}

FileLock lock_device(const std::filesystem::path& lock_dir, const std::string& device) {
  std::error_code ec;
  std::filesystem::create_directories(lock_dir, ec);
  if (ec) {
    throw FileError(lock_dir,
                    "cannot create the lock directory " + quoted(lock_dir) + " for device " +
                        device + ": " + ec.message() +
                        "; create it, or set lock_dir in the policy to a writable directory",
                    ec.value());
  }
  const std::filesystem::path file = device_lock_path(lock_dir, device);
  pid_t holder = 0;
  std::optional<FileLock> lock = FileLock::try_lock(file, &holder);
  if (!lock) {
    throw LockBusy("device " + device + " is being restored by another capstate process (" +
                       holder_text(holder) +
                       "); wait for it to finish, or check that pid (lock file " + quoted(file) +
                       ")",
                   holder);
  }
  return std::move(*lock);
}

FileLock lock_file_for_writing(const std::filesystem::path& target) {
  if (target.filename().empty()) {
    throw FileError(target, "cannot write " + quoted(target) + ": the path names no file");
  }
  const std::filesystem::path file = file_lock_path(target);
  pid_t holder = 0;
  std::optional<FileLock> lock;
  try {
    lock = FileLock::try_lock(file, &holder);
  } catch (const FileError& e) {
    throw FileError(target, "cannot write " + quoted(target) + ": " + e.what(), e.error_number());
  }
  if (!lock) {
    throw LockBusy("file " + quoted(target) + " is being written by another capstate process (" +
                       holder_text(holder) +
                       "); wait for it to finish, or check that pid (lock file " + quoted(file) +
                       ")",
                   holder);
  }
  return std::move(*lock);
}

}  // namespace capstate::core
