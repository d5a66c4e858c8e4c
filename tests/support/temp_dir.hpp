// Test support: a private scratch directory that is removed, with everything in it, at the end.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace capstate::testsupport {

/// A fresh directory "capstate-test-XXXXXX" under $TMPDIR (or /tmp), mode 0755 so a test may run
/// a child as another user in it; removed with its contents (whatever their modes) at destruction.
class TempDir {
 public:
  /// Creates the directory; throws std::runtime_error naming the template when it cannot.
  TempDir();
  /// Removes the directory and everything below it (errors are ignored).
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory.
  const std::filesystem::path& path() const { return path_; }
  /// `name` inside the directory.
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }
  /// `name` inside the directory, as a string for command lines.
  std::string file(std::string_view name) const { return (path_ / name).string(); }
  /// Names of the entries directly in the directory, sorted.
  std::vector<std::string> entries() const;

 private:
  std::filesystem::path path_;
};

}  // namespace capstate::testsupport
