// Reading whole files; writing them by temp file, fsync and rename.
#include "backends/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace capstate::core {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* step, int err) {
  throw std::runtime_error("cannot write " + path.string() + ": " + step +
                           " failed: " + std::strerror(err) +
                           "; check that the directory exists and is writable");
}

}  // namespace

std::string read_whole_file(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + what + " " + path.string() + ": " +
                             std::strerror(errno) + "; check the path and its permissions");
  }
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) {
    throw std::runtime_error("cannot read " + what + " " + path.string() + ": read error");
  }
  return std::move(data).str();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string pattern = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    fail(path, "creating a temporary file", errno);
  }
  const std::string temp(name.data());
  auto abandon = [&](const char* step) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, step, err);
  };
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      abandon("write");
    }
    done += static_cast<std::size_t>(n);
  }
  struct stat old {};
  const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) {
    abandon("fchmod");
  }
  if (::fsync(fd) != 0) {
    abandon("fsync");
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail(path, "close", err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail(path, "rename", err);
  }
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);  // makes the rename durable; failure here leaves a complete file anyway
    ::close(dir_fd);
  }
}

}  // namespace capstate::core
