// Helpers for the undo and lock tests: a fake sysfs tree built from a real lspci dump, and a
// runner for build/bin/capstate that can drop to "nobody" (root writes even read-only files).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace capstate::undotest {

/// What one run of the capstate binary produced.
struct RunResult {
  int exit_code = -1;  ///< exit status, -1 when it did not exit normally
  std::string out;     ///< standard output
  std::string err;     ///< standard error
};

/// A directory from mkdtemp (mode 0755 so "nobody" can enter it), removed on destruction.
class TempDir {
 public:
  /// Creates the directory under /tmp; throws when it cannot.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory.
  const std::filesystem::path& path() const { return path_; }
  /// `name` inside the directory, as a string for command lines.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// How to run capstate.
struct RunOptions {
  bool as_nobody = false;  ///< drop to uid/gid 65534 before exec
};

/// Runs build/bin/capstate with `args` (CAPSTATE_PLUGIN_PATH unset, CAPSTATE_CONFIG_ROOT set to
/// `tmp`, so only the build tree's plugins and no system policy are used).
RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       const RunOptions& options = {});

/// The 4096 configuration bytes of device `address` (e.g. "0000:00:01.0") in the tests/data
/// dump `dump_name`.
std::vector<std::uint8_t> dump_config(const std::string& dump_name, const std::string& address);

/// Adds device `address` with `config` to the fake sysfs tree at `root`
/// (`root/bus/pci/devices/<address>/config`, mode `mode`); returns the config file.
std::filesystem::path add_sysfs_device(const std::filesystem::path& root,
                                       const std::string& address,
                                       const std::vector<std::uint8_t>& config, mode_t mode = 0644);

/// The whole content of `file` as bytes (throws when unreadable).
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& file);
/// Writes `text` to `file`, replacing it.
void write_text(const std::filesystem::path& file, const std::string& text);

/// The 16-bit little-endian value at `offset` of `bytes`.
std::uint16_t word_at(const std::vector<std::uint8_t>& bytes, std::size_t offset);
/// `bytes` with the 16-bit value at `offset` set to `value`.
std::vector<std::uint8_t> with_word(std::vector<std::uint8_t> bytes, std::size_t offset,
                                    std::uint16_t value);

/// The regular files in `dir` whose names end in `suffix`, sorted (none when `dir` is missing).
std::vector<std::filesystem::path> files_ending(const std::filesystem::path& dir,
                                                const std::string& suffix);

}  // namespace capstate::undotest
