// Test support for the ABI tests: temporary directories, running the capstate binary, files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace capstate::abitest {

/// What one run of the capstate binary produced.
struct RunResult {
  int exit_code = -1;  ///< WEXITSTATUS, or -1 when it did not exit normally
  std::string out;     ///< standard output
  std::string err;     ///< standard error
};

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents at destruction.
class TempDir {
 public:
  /// Creates the directory; throws when it cannot.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// The directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Runs build/bin/capstate with `args` (quoted for the shell), CAPSTATE_PLUGIN_PATH unset.
RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args);
/// The build tree's plugin directory (what `abi check` searches by default).
std::filesystem::path build_plugin_dir();
/// The committed baseline, <source>/abi.
std::filesystem::path committed_baseline();
/// Whole content of `file` (throws when unreadable).
std::string read_text(const std::filesystem::path& file);
/// Writes `text` to `file`, replacing it.
void write_text(const std::filesystem::path& file, std::string_view text);
/// Lines of `text`, without newlines.
std::vector<std::string> lines_of(std::string_view text);
/// Regular files below `dir`, relative to it, sorted ("pcie/schema-1.txt", ...).
std::vector<std::string> files_below(const std::filesystem::path& dir);

}  // namespace capstate::abitest
