// Test support for the command-line tests: run build/bin/capstate, capture what it prints and its
// exit code, keep temporary files in a private directory, and edit lspci dump text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace capstate::clitest {

/// What one run of the capstate binary produced.
struct RunResult {
  int exit_code = -1;  ///< the process exit status (WEXITSTATUS), -1 if it did not exit normally
  std::string out;     ///< everything written to standard output
  std::string err;     ///< everything written to standard error
};

/// A directory from mkdtemp, removed with its contents when the object goes away.
class TempDir {
 public:
  /// Creates a fresh directory under $TMPDIR (or /tmp); throws when it cannot.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory itself.
  const std::filesystem::path& path() const { return path_; }
  /// `name` inside the directory, as a string for command lines.
  std::string file(std::string_view name) const;

 private:
  std::filesystem::path path_;
};

/// Full path of the capstate binary in the build tree.
std::string capstate_binary();
/// Full path of a file in tests/data.
std::string data_file(std::string_view name);

/// Runs capstate with `args` (each quoted for the shell) with CAPSTATE_PLUGIN_PATH unset, so only
/// the build tree's plugins are found; `env` is put before the command (e.g. "FOO=bar").
/// Standard error goes to a file in `tmp` and is read back.
RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       const std::string& env = "");

/// Runs `lspci -F file` with `args` and returns its output; fails the test (with a message saying
/// to install pciutils) when lspci is missing.
std::string run_lspci(const std::string& dump_file, const std::string& args);
/// True when lspci is installed.
bool have_lspci();

/// The whole content of `file` as text (throws when unreadable).
std::string read_text(const std::filesystem::path& file);
/// The whole content of `file` as bytes (throws when unreadable).
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& file);
/// Writes `text` to `file`, replacing it.
void write_text(const std::filesystem::path& file, std::string_view text);
/// Writes `bytes` to `file`, replacing it.
void write_bytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes);

/// `dump` (lspci -x.. text) with the bytes at `offset` of device `address` (as lspci prints it,
/// e.g. "00:01.0") replaced by `values`; throws when the device or the row is not in the text.
std::string patch_dump(std::string_view dump, std::string_view address, unsigned offset,
                       const std::vector<std::uint8_t>& values);

/// The lines of `text` (without newlines).
std::vector<std::string> lines_of(std::string_view text);

}  // namespace capstate::clitest
