// Whole-file input for the file backends (output goes through util/atomic_file.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace capstate::core {

/// Reads all of `path`; throws std::runtime_error "cannot read <what> <path>: <reason>".
std::string read_whole_file(const std::filesystem::path& path, const std::string& what);

}  // namespace capstate::core
