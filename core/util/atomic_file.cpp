#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace capstate::core {

namespace {

/// Quoted path for messages.
std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

/// Throws FileError for a failed system call on the way to writing `target`.
[[noreturn]] void fail(const std::filesystem::path& target, const std::string& what, int error) {
  std::string message =
      "cannot write " + quoted(target) + ": " + what + ": " + std::strerror(error);
  throw FileError(target, message, error);
}

/// Owns the temporary file until it has been renamed: closes and removes it on the way out.
class TempFile {
 public:
  TempFile(const std::filesystem::path& target, const std::filesystem::path& dir) {
    std::string name = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
    std::vector<char> buffer(name.begin(), name.end());
    buffer.push_back('\0');
    fd_ = ::mkostemp(buffer.data(), O_CLOEXEC);
    if (fd_ < 0) {
      int error = errno;
      if (error == ENOENT || error == ENOTDIR) {
        fail(target,
             "the directory " + quoted(dir) + " does not exist; create it or choose another path",
             error);
      }
      fail(target,
           "cannot create a temporary file in " + quoted(dir) + " (the directory must be writable)",
           error);
    }
    path_ = buffer.data();
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    close_quietly();
    if (!renamed_) {
      ::unlink(path_.c_str());
    }
  }

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  /// Closes the descriptor; returns the errno of a failed close, or 0.
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  void mark_renamed() { renamed_ = true; }

 private:
  void close_quietly() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  int fd_ = -1;
  std::filesystem::path path_;
  bool renamed_ = false;
};

/// The mode the new file gets: the existing file's permission bits, or 0644 for a new file.
mode_t target_mode(const std::filesystem::path& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    int error = errno;
    if (error == ENOENT) {
      return 0644;
    }
    fail(target, "cannot look at the existing file", error);
  }
  if (S_ISDIR(st.st_mode)) {
    throw FileError(target, "cannot write " + quoted(target) +
                                ": it is a directory; give the path of a file inside it instead");
  }
  if (!S_ISREG(st.st_mode)) {
    throw FileError(target, "cannot write " + quoted(target) +
                                ": it exists and is not a regular file (a device, FIFO or socket); "
                                "choose another path");
  }
  return st.st_mode & 07777;
}

/// Writes every byte, retrying after interruptions and short writes.
void write_all(const std::filesystem::path& target, int fd, const std::uint8_t* data,
               std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(target, "writing the temporary file failed (is the disk full?)", errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

/// Flushes the directory entry of the rename to disk. Filesystems that cannot sync a directory
/// (EINVAL) are accepted: the rename itself already happened.
void sync_directory(const std::filesystem::path& target, const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fail(target,
         "the file was replaced but its directory " + quoted(dir) +
             " could not be opened to flush it to disk",
         errno);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) {
    int error = errno;
    ::close(fd);
    fail(target,
         "the file was replaced but flushing its directory " + quoted(dir) + " to disk failed",
         error);
  }
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                           const AtomicWriteHooks& hooks) {
  if (path.filename().empty()) {
    throw FileError(path, "cannot write " + quoted(path) + ": the path names no file");
  }
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  mode_t mode = target_mode(path);

  TempFile temp(path, dir);
  if (::fchmod(temp.fd(), mode) != 0) {
    fail(path, "cannot set the mode of the temporary file " + quoted(temp.path()), errno);
  }
  write_all(path, temp.fd(), bytes.data(), bytes.size());
  if (::fsync(temp.fd()) != 0) {
    fail(path, "flushing the temporary file " + quoted(temp.path()) + " to disk failed", errno);
  }
  if (int error = temp.close(); error != 0) {
    fail(path, "closing the temporary file " + quoted(temp.path()) + " failed", error);
  }
  if (hooks.before_rename) {
    hooks.before_rename(temp.path());
  }
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    fail(path, "renaming the temporary file " + quoted(temp.path()) + " over it failed", errno);
  }
  temp.mark_renamed();
  sync_directory(path, dir);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const AtomicWriteHooks& hooks) {
  write_file_atomically(
      path, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), hooks);
}

}  // namespace capstate::core
