// Writing a file so that readers see either the old content or the new, never a mix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string_view>

#include "util/file_error.hpp"

namespace capstate::core {

/// Test hooks for write_file_atomically; leave empty in production code.
struct AtomicWriteHooks {
  /// Called with the temporary file's path after it is written, synced and closed, just before it
  /// is renamed over the target. Throwing from it simulates a failure at that point: the temporary
  /// file is removed, the target is left untouched and the exception propagates to the caller.
  std::function<void(const std::filesystem::path& temp_path)> before_rename;
};

/// Replaces `path` with `bytes` atomically: writes a temporary file in the same directory, fsyncs
/// it, renames it over `path` and fsyncs the directory. A new file gets mode 0644; an existing file
/// keeps its mode. On failure the temporary file is removed, `path` is untouched and FileError is
/// thrown.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                           const AtomicWriteHooks& hooks = {});

/// Text form of write_file_atomically; the characters are written as they are.
void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const AtomicWriteHooks& hooks = {});

}  // namespace capstate::core
