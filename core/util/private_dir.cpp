// create_private_directories(): missing directories made with mode 0700, existing ones untouched.
#include "util/private_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <vector>

namespace capstate::core {

std::error_code create_private_directories(const std::filesystem::path& dir) {
  // The missing directories, from `dir` up to the first one that exists.
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = dir; !p.empty();) {
    if (p.filename().empty() && p.has_relative_path()) {  // "a/b/": look at "a/b"
      p = p.parent_path();
      continue;
    }
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        return std::make_error_code(std::errc::not_a_directory);
      }
      break;
    }
    if (errno != ENOENT) {
      return {errno, std::generic_category()};
    }
    missing.push_back(p);
    const std::filesystem::path parent = p.parent_path();
    if (parent == p) {
      break;
    }
    p = parent;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0) {
      if (errno == EEXIST) {
        continue;  // created meanwhile by someone else: not ours, left as it is
      }
      return {errno, std::generic_category()};
    }
    // mkdir's mode is narrowed by the umask; ours is exactly 0700.
    if (::chmod(it->c_str(), 0700) != 0) {
      return {errno, std::generic_category()};
    }
  }
  return {};
}

}  // namespace capstate::core
