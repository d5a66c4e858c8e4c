#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "util/file_error.hpp"

namespace capstate::core {

namespace detail {

/// One open lock file with this process's write lock on it; closing the descriptor drops it.
struct HeldLock {
  HeldLock(std::filesystem::path p, int descriptor, dev_t device, ino_t inode,
           LockFileCleanup on_release)
      : path(std::move(p)),
        fd(descriptor),
        dev(device),
        ino(inode),
        owner(::getpid()),
        cleanup(on_release) {}
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  ~HeldLock();

  std::filesystem::path path;
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  pid_t owner = 0;  ///< the process holding the lock (a forked child inherits none)
  LockFileCleanup cleanup = LockFileCleanup::keep;
  /// Further descriptors of the same file this process happened to open; closed with `fd`
  /// (closing one earlier would drop the lock).
  std::vector<int> extra_fds;
};

}  // namespace detail

namespace {

using Key = std::pair<dev_t, ino_t>;

/// The lock files this process holds, by device and inode, so none is opened twice.
struct HeldTable {
  std::mutex mutex;
  std::map<Key, std::weak_ptr<detail::HeldLock>> locks;
  /// Descriptors opened on a file while a thread of this process was giving its lock up; that
  /// thread closes them after its own (closing one earlier would drop the lock too soon).
  std::map<Key, std::vector<int>> parked;
};

HeldTable& held_table() {
  static HeldTable table;
  return table;
}

/// How often try_lock starts again because the lock file was replaced before giving up.
constexpr int kMaxAttempts = 100;

std::function<void()>& after_open_hook() {
  static std::function<void()> hook;
  return hook;
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
  // Remove while still holding the lock, and only the file locked: whoever opened it meanwhile
  // finds, once it has the lock, that the path no longer names it, and starts again. The table
  // is held, so no thread of this process opens the file between the unlink and the close.
  if (cleanup == LockFileCleanup::remove && owner == ::getpid()) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
      ::unlink(path.c_str());  // on failure the file stays, which is still safe
    }
  }
  for (const int extra : extra_fds) {
    ::close(extra);
  }
  if (const auto parked = held_table().parked.find({dev, ino});
      parked != held_table().parked.end()) {
    for (const int extra : parked->second) {
      ::close(extra);
    }
    held_table().parked.erase(parked);
  }
  ::close(fd);  // drops the record lock
}

void detail::set_lock_after_open_hook(std::function<void()> hook) {
  std::lock_guard<std::mutex> guard(held_table().mutex);
  after_open_hook() = std::move(hook);
}

namespace {

/// What one attempt of try_lock found.
enum class Attempt {
  locked,    ///< `*result` holds the lock
  busy,      ///< another process holds it
  replaced,  ///< the path no longer names the file locked: its holder removed it
  wait,      ///< a thread of this process is giving this lock up right now
};

FileError open_error(const std::filesystem::path& lock_file, int error) {
  const std::string hint = error == ENOENT || error == ENOTDIR
                               ? "its directory does not exist; create it or choose another path"
                           : error == EACCES || error == EROFS
                               ? "the directory or the lock file is not writable for this user; "
                                 "run as the user who owns it, or choose another path"
                               : "check the path";
  return FileError(
      lock_file,
      "cannot open the lock file " + quoted(lock_file) + ": " + std::strerror(error) + "; " + hint,
      error);
}

/// The live lock of this process on (dev, ino), if any; sets `*releasing` when another thread
/// of this process is giving that lock up right now (its destructor waits for the table).
std::shared_ptr<detail::HeldLock> own_lock(HeldTable& table, dev_t dev, ino_t ino,
                                           bool* releasing) {
  *releasing = false;
  const auto it = table.locks.find({dev, ino});
  if (it == table.locks.end()) {
    return nullptr;
  }
  std::shared_ptr<detail::HeldLock> held = it->second.lock();
  if (!held) {
    *releasing = true;
    return nullptr;
  }
  return held->owner == ::getpid() ? held : nullptr;  // a forked child holds its parent's none
}

/// One attempt: share this process's lock, or open, lock and check the file. Called with the
/// table locked.
Attempt lock_once(HeldTable& table, const std::filesystem::path& lock_file, pid_t* holder,
                  LockFileCleanup cleanup, std::shared_ptr<detail::HeldLock>* result) {
  bool releasing = false;
  struct stat st {};
  // Already held by this process: share it (opening the file again and closing that descriptor
  // would drop the lock).
  if (::lstat(lock_file.c_str(), &st) == 0) {
    if (auto held = own_lock(table, st.st_dev, st.st_ino, &releasing)) {
      *result = std::move(held);
      return Attempt::locked;
    }
    if (releasing) {
      return Attempt::wait;
    }
  }
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    throw open_error(lock_file, errno);
  }
  struct stat opened {};
  if (::fstat(fd, &opened) != 0) {
    const int error = errno;
    ::close(fd);
    throw FileError(lock_file,
                    "cannot stat the lock file " + quoted(lock_file) + ": " + std::strerror(error) +
                        "; check the path",
                    error);
  }
  // The path changed between the lstat and the open to a file this process holds or is
  // releasing: closing `fd` would drop that lock, so keep it with the lock, or wait.
  if (auto held = own_lock(table, opened.st_dev, opened.st_ino, &releasing)) {
    held->extra_fds.push_back(fd);
    *result = std::move(held);
    return Attempt::locked;
  }
  if (releasing) {
    table.parked[{opened.st_dev, opened.st_ino}].push_back(fd);
    return Attempt::wait;
  }
  if (after_open_hook()) {
    after_open_hook()();
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
      return Attempt::busy;
    }
    ::close(fd);
    throw FileError(lock_file,
                    "cannot lock " + quoted(lock_file) + ": " + std::strerror(error) +
                        "; the file system may not support locks, choose a local directory",
                    error);
  }
  // Locked, but is it still the file of that name? Its previous holder may have removed it
  // after we opened it (and then someone else may have created a new one).
  struct stat now {};
  if (::lstat(lock_file.c_str(), &now) != 0 || now.st_dev != opened.st_dev ||
      now.st_ino != opened.st_ino) {
    ::close(fd);  // drops the lock on the removed file; no other descriptor of it is open here
    return Attempt::replaced;
  }
  auto held =
      std::make_shared<detail::HeldLock>(lock_file, fd, opened.st_dev, opened.st_ino, cleanup);
  table.locks[{opened.st_dev, opened.st_ino}] = held;
  *result = std::move(held);
  return Attempt::locked;
}

}  // namespace

std::optional<FileLock> FileLock::try_lock(const std::filesystem::path& lock_file, pid_t* holder,
                                           LockFileCleanup cleanup) {
  if (holder != nullptr) {
    *holder = 0;
  }
  HeldTable& table = held_table();
  int replaced = 0;
  while (replaced < kMaxAttempts) {
    std::shared_ptr<detail::HeldLock> held;
    Attempt outcome = Attempt::wait;
    {
      std::lock_guard<std::mutex> guard(table.mutex);
      outcome = lock_once(table, lock_file, holder, cleanup, &held);
    }
    if (outcome == Attempt::locked) {
      FileLock lock;
      lock.held_ = std::move(held);
      return lock;
    }
    if (outcome == Attempt::busy) {
      return std::nullopt;
    }
    if (outcome == Attempt::replaced) {
      ++replaced;
    }
    std::this_thread::yield();  // let the releasing thread or process finish
  }
  throw FileError(lock_file, "cannot lock " + quoted(lock_file) + ": the lock file was replaced " +
                                 std::to_string(kMaxAttempts) +
                                 " times while it was being locked; another program keeps "
                                 "removing or replacing it, stop that program or choose "
                                 "another directory");
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
    lock = FileLock::try_lock(file, &holder, LockFileCleanup::remove);
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
