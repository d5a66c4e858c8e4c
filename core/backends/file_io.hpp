// Whole-file input and output for the file backends: read all, or replace atomically.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace capstate::core {

/// Reads all of `path`; throws std::runtime_error "cannot read <what> <path>: <reason>".
std::string read_whole_file(const std::filesystem::path& path, const std::string& what);

/// Writes `data` to `path` via a temporary file in the same directory, fsync and rename;
/// throws std::runtime_error naming the file and the system error.
void write_file_atomically(const std::filesystem::path& path, std::string_view data);

}  // namespace capstate::core
