// Test support: whole-file reads and writes for test setup and checks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace capstate::testsupport {

/// The whole content of `file` as text; throws std::runtime_error naming the file when unreadable.
std::string read_text(const std::filesystem::path& file);
/// The whole content of `file` as bytes; throws std::runtime_error naming the file when unreadable.
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& file);
/// Writes `text` to `file`, replacing it and creating missing parent directories; throws
/// std::runtime_error naming the file when it cannot.
void write_text(const std::filesystem::path& file, std::string_view text);
/// Writes `bytes` to `file` like write_text.
void write_bytes(const std::filesystem::path& file, std::span<const std::uint8_t> bytes);
/// The lines of `text`, without their newlines (a final newline ends the last line).
std::vector<std::string> lines_of(std::string_view text);

}  // namespace capstate::testsupport
