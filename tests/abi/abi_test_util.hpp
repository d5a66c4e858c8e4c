// Test support for the ABI tests: running the capstate binary, the plugin and baseline
// directories, and listing files. TempDir and the file helpers come from tests/support.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/file_text.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace capstate::abitest {

using testsupport::lines_of;
using testsupport::read_text;
using testsupport::RunResult;
using testsupport::TempDir;
using testsupport::write_text;

/// Runs build/bin/capstate with `args` in `tmp`, CAPSTATE_PLUGIN_PATH unset.
RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args);
/// The build tree's plugin directory (what `abi check` searches by default).
std::filesystem::path build_plugin_dir();
/// The committed baseline, <source>/abi.
std::filesystem::path committed_baseline();
/// Regular files below `dir`, relative to it, sorted ("pcie/schema-1.txt", ...).
std::vector<std::string> files_below(const std::filesystem::path& dir);
/// The plugins of the committed baseline (its subdirectories), sorted, each with its schema count.
std::vector<std::pair<std::string, unsigned>> baseline_plugins();
/// The names of the plugins in build_plugin_dir() (their .so files), plus `extra`, sorted and
/// joined with ", " as capstate lists them.
std::string bundled_plugin_list(const std::vector<std::string>& extra = {},
                                const std::vector<std::string>& without = {});

}  // namespace capstate::abitest
