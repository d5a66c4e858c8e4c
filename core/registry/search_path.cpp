// plugin_search_path(): where plugins are looked for, in priority order.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <system_error>

#include "registry/registry.hpp"

namespace fs = std::filesystem;

namespace capstate::core {
namespace {

// The directory of the running executable, or empty if /proc/self/exe cannot be read.
fs::path exe_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

// The plugin directory that belongs to this executable: the build tree, then the install tree
// next to it, then the compiled-in install directory.
fs::path default_plugin_dir() {
  const fs::path dir = exe_dir();
  if (!dir.empty()) {
    std::error_code ec;
    const fs::path build_tree = (dir / ".." / "lib" / "capstate" / "plugins").lexically_normal();
    if (fs::is_directory(build_tree, ec)) {
      return build_tree;
    }
    const fs::path installed =
        (dir / ".." / CAPSTATE_INSTALL_LIBDIR / "capstate" / "plugins").lexically_normal();
    if (fs::is_directory(installed, ec)) {
      return installed;
    }
  }
  return CAPSTATE_INSTALL_PLUGIN_DIR;
}

}  // namespace

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& cli_dirs,
                                         const std::optional<std::string>& env_path,
                                         const std::vector<fs::path>& policy_dirs) {
  std::vector<fs::path> path;
  auto add = [&path](const fs::path& p) {
    if (p.empty()) {
      return;
    }
    fs::path normal = p.lexically_normal();
    if (normal.has_relative_path() && !normal.has_filename()) {
      normal = normal.parent_path();  // "dir/" and "dir" are the same directory
    }
    if (std::find(path.begin(), path.end(), normal) == path.end()) {
      path.push_back(std::move(normal));
    }
  };
  for (const auto& d : cli_dirs) {
    add(d);
  }
  if (env_path) {
    const std::string& list = *env_path;
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t colon = std::min(list.find(':', start), list.size());
      add(list.substr(start, colon - start));
      start = colon + 1;
    }
  }
  for (const auto& d : policy_dirs) {
    add(d);
  }
  add(default_plugin_dir());
  return path;
}

}  // namespace capstate::core
