#include "backends/kernel_resources.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "capstate/sdk/access.hpp"
#include "util/file_read.hpp"

namespace capstate::core {
namespace {

// A sysfs resource file has at most a few dozen lines of 3 x 18 characters.
constexpr std::size_t kMaxResourceFile = 64 * 1024;

// Parses "0x<hex>" at the start of `text`, advancing it past the number and following blanks.
bool take_hex(std::string_view& text, std::uint64_t& value) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return false;
  }
  const char* begin = text.data() + 2;
  const char* end = text.data() + text.size();
  const auto [next, ec] = std::from_chars(begin, end, value, 16);
  if (ec != std::errc() || next == begin) {
    return false;
  }
  text.remove_prefix(static_cast<std::size_t>(next - text.data()));
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  return true;
}

}  // namespace

std::vector<KernelResource> parse_kernel_resources(std::string_view text,
                                                   const std::filesystem::path& path) {
  std::vector<KernelResource> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_no;
    KernelResource r;
    const std::string_view original = line;
    if (!take_hex(line, r.start) || !take_hex(line, r.end) || !take_hex(line, r.flags) ||
        !line.empty()) {
      throw AccessError(fmt::format(
          "{} line {}: \"{}\" is not three hexadecimal numbers (start, end, flags); is this a "
          "sysfs resource file?",
          path.string(), line_no, original));
    }
    out.push_back(r);
  }
  return out;
}

std::vector<KernelResource> read_kernel_resources(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "resource";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return {};
  }
  try {
    return parse_kernel_resources(read_text_file_bounded(path, kMaxResourceFile), path);
  } catch (const FileError& e) {
    throw AccessError(e.what());
  }
}

std::string read_bound_driver(const std::filesystem::path& dir) {
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::read_symlink(dir / "driver", ec);
  if (ec) {
    return {};
  }
  return target.filename().string();
}

}  // namespace capstate::core
