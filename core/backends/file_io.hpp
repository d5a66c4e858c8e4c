// Whole-file input for the file backends (output goes through util/atomic_file.hpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace capstate::core {

/// The largest dump or image file the file backends read (16 MiB; a dump of 256 devices with
/// 4096 bytes each is about 3.5 MiB).
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{16} << 20;

/// Reads all of the regular file `path`, at most `max_bytes`; throws FileError (a
/// std::runtime_error) "cannot read <what> <path>: <reason>" when it is missing, not a regular
/// file (a FIFO is never opened, so it cannot block), unreadable or too large (checked before
/// anything is read). An empty file gives empty text.
std::string read_whole_file(const std::filesystem::path& path, const std::string& what,
                            std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace capstate::core
