// Helpers for the registry tests: plugin directories, policy-free loading and entry lookup.
// TempDir comes from tests/support.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "registry/registry.hpp"
#include "support/temp_dir.hpp"

namespace capstate::core::test {

using testsupport::TempDir;

/// Directory in the build tree holding the test plugins of `test_case` (e.g. "good").
std::filesystem::path built_plugins(std::string_view test_case);

/// Copies every file of `from` into `to` with mode 0755 (trusted, whatever the umask was).
void copy_plugins(const std::filesystem::path& from, const std::filesystem::path& to);

/// Writes `text` to `file` with mode 0644 (whatever the umask is).
void write_file(const std::filesystem::path& file, std::string_view text);

/// Loads just `dir` with default options (plus `allow_untrusted`).
Registry load_dir(const std::filesystem::path& dir, bool allow_untrusted = false);

/// The entry whose file name is `file_name` (e.g. "good.so"); fails the test if absent.
const PluginEntry& entry_named(const Registry& registry, std::string_view file_name);
/// Not for a temporary registry: the entry would dangle.
const PluginEntry& entry_named(Registry&& registry, std::string_view file_name) = delete;

}  // namespace capstate::core::test
