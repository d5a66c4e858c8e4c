// Test support: read_text, read_bytes, write_text, write_bytes, lines_of.
#include "support/file_text.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace capstate::testsupport {
namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("test support: cannot read " + file.string() +
                             " (missing or unreadable)");
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  const std::string text = read_text(file);
  return {text.begin(), text.end()};
}

void write_text(const fs::path& file, std::string_view text) {
  if (file.has_parent_path()) {
    fs::create_directories(file.parent_path());
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    throw std::runtime_error("test support: cannot write " + file.string());
  }
}

void write_bytes(const fs::path& file, std::span<const std::uint8_t> bytes) {
  write_text(file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    lines.emplace_back(text.substr(start, stop - start));
    start = stop + 1;
  }
  return lines;
}

}  // namespace capstate::testsupport
