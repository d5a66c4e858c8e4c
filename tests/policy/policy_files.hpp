// Test support for the policy tests: a config root in a temporary directory with policy files.
// The CLI runner and TempDir come from tests/cli (over tests/support).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "cli_runner.hpp"

namespace capstate::policytest {

using clitest::RunResult;
using clitest::TempDir;

/// Writes `text` to `root`/`relative`, creating the directories on the way; returns the path.
inline std::string put(const std::filesystem::path& root, std::string_view relative,
                       std::string_view text) {
  const std::filesystem::path file = root / relative;
  clitest::write_text(file, text);  // creates the directories
  return file.string();
}

/// The q35 guest dump of tests/data.
inline std::string q35() {
  return clitest::data_file("qemu-q35-guest.xxxx.txt");
}

}  // namespace capstate::policytest
