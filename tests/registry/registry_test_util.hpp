// Helpers for the registry tests: temporary plugin directories and entry lookup.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "registry/registry.hpp"

namespace capstate::core::test {

/// A fresh directory under the system temp dir (mode 0755), removed with everything in it.
class TempDir {
 public:
  /// Creates the directory; throws std::runtime_error when it cannot.
  TempDir();
  /// Removes the directory and everything in it.
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Directory in the build tree holding the test plugins of `test_case` (e.g. "good").
std::filesystem::path built_plugins(std::string_view test_case);

/// Copies every file of `from` into `to` with mode 0755 (trusted, whatever the umask was).
void copy_plugins(const std::filesystem::path& from, const std::filesystem::path& to);

/// Writes `text` to `file` with mode 0644.
void write_file(const std::filesystem::path& file, std::string_view text);

/// Loads just `dir` with default options (plus `allow_untrusted`).
Registry load_dir(const std::filesystem::path& dir, bool allow_untrusted = false);

/// The entry whose file name is `file_name` (e.g. "good.so"); fails the test if absent.
const PluginEntry& entry_named(const Registry& registry, std::string_view file_name);
/// Not for a temporary registry: the entry would dangle.
const PluginEntry& entry_named(Registry&& registry, std::string_view file_name) = delete;

}  // namespace capstate::core::test
