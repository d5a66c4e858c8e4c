// Directories capstate creates for its own files (state files, undo files, locks): mode 0700.
#pragma once

#include <filesystem>
#include <system_error>

namespace capstate::core {

/// Creates `dir` and every missing directory above it, each with mode exactly 0700 (set again
/// with chmod after mkdir, whatever the umask). Directories that already exist, `dir` included,
/// are left as they are: their mode is never changed. Returns the error of the first directory
/// that could not be created (then the directories created so far stay), or no error.
std::error_code create_private_directories(const std::filesystem::path& dir);

}  // namespace capstate::core
