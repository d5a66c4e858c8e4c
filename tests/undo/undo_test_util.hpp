// Helpers for the undo and lock tests: a fake sysfs tree built from a real lspci dump, and a
// runner for build/bin/capstate that can drop to "nobody" (root writes even read-only files).
// TempDir, the process runner and the file helpers come from tests/support.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/file_text.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace capstate::undotest {

using testsupport::read_bytes;
using testsupport::RunOptions;
using testsupport::RunResult;
using testsupport::TempDir;
using testsupport::write_text;

/// Runs build/bin/capstate with `args` in `tmp` (CAPSTATE_PLUGIN_PATH unset, CAPSTATE_CONFIG_ROOT
/// set to `tmp`, so only the build tree's plugins and no system policy are used); `options` may
/// drop it to "nobody" (root writes even read-only files).
RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       RunOptions options = {});

/// The 4096 configuration bytes of device `address` (e.g. "0000:00:01.0") in the tests/data
/// dump `dump_name`.
std::vector<std::uint8_t> dump_config(const std::string& dump_name, const std::string& address);

/// Adds device `address` with `config` to the fake sysfs tree at `root`
/// (`root/bus/pci/devices/<address>/config`, mode `mode`); returns the config file.
std::filesystem::path add_sysfs_device(const std::filesystem::path& root,
                                       const std::string& address,
                                       const std::vector<std::uint8_t>& config, mode_t mode = 0644);

/// The 16-bit little-endian value at `offset` of `bytes`.
std::uint16_t word_at(const std::vector<std::uint8_t>& bytes, std::size_t offset);
/// `bytes` with the 16-bit value at `offset` set to `value`.
std::vector<std::uint8_t> with_word(std::vector<std::uint8_t> bytes, std::size_t offset,
                                    std::uint16_t value);

/// The regular files in `dir` whose names end in `suffix`, sorted (none when `dir` is missing).
std::vector<std::filesystem::path> files_ending(const std::filesystem::path& dir,
                                                const std::string& suffix);

}  // namespace capstate::undotest
