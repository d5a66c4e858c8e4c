// Test support for the command-line tests: run build/bin/capstate and edit lspci dump text.
// Temporary directories, process runs and file helpers come from tests/support.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "support/file_text.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace capstate::clitest {

using testsupport::lines_of;
using testsupport::read_bytes;
using testsupport::read_text;
using testsupport::RunOptions;
using testsupport::RunResult;
using testsupport::TempDir;
using testsupport::write_bytes;
using testsupport::write_text;

/// Full path of the capstate binary in the build tree.
std::string capstate_binary();
/// Full path of a file in tests/data.
std::string data_file(std::string_view name);

/// Every lspci dump (`*.xxxx.txt`) under `dir`, recursively, sorted by path; none when `dir` is
/// not a directory.
std::vector<std::filesystem::path> dumps_under(const std::filesystem::path& dir);
/// A GoogleTest parameter name for `text` (a file name): letters and digits kept, the rest '_'.
std::string test_name_for(std::string_view text);

/// Runs capstate with `args` in directory `tmp`, with CAPSTATE_PLUGIN_PATH unset (only the build
/// tree's plugins are found) and `options` applied on top (e.g. `{.env = {"FOO=bar"}}`).
RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       RunOptions options = {});

/// Runs `lspci -F file` with `args` and returns its output; fails the test (with a message saying
/// to install pciutils) when lspci is missing.
std::string run_lspci(const std::string& dump_file, const std::string& args);
/// True when lspci is installed.
bool have_lspci();

/// `dump` (lspci -x.. text) with the bytes at `offset` of device `address` (as lspci prints it,
/// e.g. "00:01.0") replaced by `values`; throws when the device or the row is not in the text.
std::string patch_dump(std::string_view dump, std::string_view address, unsigned offset,
                       const std::vector<std::uint8_t>& values);

}  // namespace capstate::clitest
