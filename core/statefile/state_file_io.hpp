// Reading and writing state files on disk: bounded read + decode, encode + atomic write.
#pragma once

#include <filesystem>

#include "statefile/codec.hpp"

namespace capstate::core {

/// Reads and decodes the state file at `path` (at most kMaxStateFileBytes). Throws FileError when
/// the file cannot be read and StateFileError when its content is malformed.
StateFile read_state_file(const std::filesystem::path& path);

/// Encodes `file` and replaces `path` with it atomically. Throws StateFileError when `file` cannot
/// be encoded (nothing is written then) and FileError when writing fails (the old file stays as it
/// was).
void write_state_file(const std::filesystem::path& path, const StateFile& file);

}  // namespace capstate::core
