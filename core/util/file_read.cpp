#include "util/file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace capstate::core {

namespace {

/// Quoted path for messages.
std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

/// Throws FileError "cannot read 'path': <problem>".
[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& problem,
                         int error = 0) {
  throw FileError(path, "cannot read " + quoted(path) + ": " + problem, error);
}

/// What kind of non-regular file `mode` describes, for messages.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) {
    return "it is a directory, not a file; give the path of a file";
  }
  if (S_ISFIFO(mode)) {
    return "it is a named pipe (FIFO), not a regular file; save it to a file first";
  }
  if (S_ISSOCK(mode)) {
    return "it is a socket, not a regular file";
  }
  if (S_ISCHR(mode) || S_ISBLK(mode)) {
    return "it is a device node, not a regular file";
  }
  return "it is not a regular file";
}

/// Closes a descriptor when it goes out of scope.
struct FdGuard {
  int fd;
  ~FdGuard() { ::close(fd); }
};

}  // namespace

std::vector<std::uint8_t> read_file_bounded(const std::filesystem::path& path,
                                            std::size_t max_bytes) {
  // Look before opening: opening a FIFO for reading would block until a writer appears.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      refuse(path, "the file does not exist; check the path", error);
    }
    refuse(path, std::string("cannot look at the file: ") + std::strerror(error), error);
  }
  if (!S_ISREG(st.st_mode)) {
    refuse(path, kind_of(st.st_mode));
  }

  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int error = errno;
    refuse(path,
           std::string("the file cannot be opened for reading: ") + std::strerror(error) +
               (error == EACCES ? "; check its permissions or run as a user who may read it" : ""),
           error);
  }
  FdGuard guard{fd};

  // Check again on the open file: the path may have been replaced since stat().
  if (::fstat(fd, &st) != 0) {
    refuse(path, std::string("cannot look at the open file: ") + std::strerror(errno), errno);
  }
  if (!S_ISREG(st.st_mode)) {
    refuse(path, kind_of(st.st_mode));
  }
  auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes) {
    refuse(path, "the file is " + std::to_string(size) + " bytes, larger than the limit of " +
                     std::to_string(max_bytes) + " bytes; is it the right file?");
  }

  // Read up to one byte past the limit so a file that grew since fstat() is still caught.
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t used = 0;
  for (;;) {
    if (used == bytes.size()) {
      if (used > max_bytes) {
        refuse(path, "the file grew past the limit of " + std::to_string(max_bytes) +
                         " bytes while it was read; is something writing it?");
      }
      bytes.resize(used + (used < 4096 ? 4096 : used));
      std::size_t cap = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
      if (bytes.size() > cap) {
        bytes.resize(cap);
      }
    }
    ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      refuse(path, std::string("reading failed: ") + std::strerror(errno), errno);
    }
    if (n == 0) {
      break;
    }
    used += static_cast<std::size_t>(n);
  }
  bytes.resize(used);
  if (bytes.empty()) {
    refuse(path, "the file is empty; it was probably not written completely");
  }
  return bytes;
}

std::string read_text_file_bounded(const std::filesystem::path& path, std::size_t max_bytes) {
  std::vector<std::uint8_t> bytes = read_file_bounded(path, max_bytes);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace capstate::core
