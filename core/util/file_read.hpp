// Reading a whole regular file with an upper bound on its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/file_error.hpp"

namespace capstate::core {

/// Reads the regular file `path` whole. Throws FileError when it is missing, not a regular file (a
/// directory, FIFO, socket or device: never opened, so a FIFO cannot block), unreadable, empty, or
/// larger than `max_bytes` (checked before anything is read).
std::vector<std::uint8_t> read_file_bounded(const std::filesystem::path& path,
                                            std::size_t max_bytes);

/// Text form of read_file_bounded; the bytes are returned as they are.
std::string read_text_file_bounded(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace capstate::core
