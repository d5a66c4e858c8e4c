// Whether a plugin file or directory may be trusted: who owns it and who can write it.
#pragma once

#include <filesystem>
#include <string>

namespace capstate::core {

/// Why `path` (a plugin file, or the directory holding plugins when `is_directory`) is not
/// trusted, or "" when it is: it must not be writable by group or others, and must be owned by
/// root or the effective user (the rules of util/file_trust.hpp, without the directories above).
/// The text names the path, its octal mode and owner uid.
std::string trust_problem(const std::filesystem::path& path, bool is_directory);

}  // namespace capstate::core
