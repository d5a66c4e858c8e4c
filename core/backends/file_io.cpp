// Reading whole files for the file backends, bounded and without blocking on special files.
#include "backends/file_io.hpp"

#include <cerrno>
#include <cstring>

#include "util/file_read.hpp"

namespace capstate::core {

std::string read_whole_file(const std::filesystem::path& path, const std::string& what,
                            std::size_t max_bytes) {
  // An empty regular file is handed on as empty text: each backend says what it expected.
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == 0 &&
      !ec) {
    return {};
  }
  try {
    return read_text_file_bounded(path, max_bytes);
  } catch (const FileError& e) {
    // read_file_bounded says "cannot read 'PATH': PROBLEM"; keep PROBLEM and name what it is.
    std::string reason = e.what();
    const std::string prefix = "cannot read '" + path.string() + "': ";
    if (reason.compare(0, prefix.size(), prefix) == 0) {
      reason.erase(0, prefix.size());
    }
    if (e.error_number() == ENOENT || e.error_number() == ENOTDIR) {
      reason = std::string(std::strerror(e.error_number())) + "; check the path";
    }
    throw FileError(path, "cannot read " + what + " " + path.string() + ": " + reason,
                    e.error_number());
  }
}

}  // namespace capstate::core
