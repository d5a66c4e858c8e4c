// Reading and printing the hex-dump text of lspci -x / -xxx / -xxxx.
#include "backends/dump_format.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>

#include "util/hex.hpp"

namespace capstate::core {
namespace {

constexpr std::size_t kRowBytes = 16;
constexpr std::size_t kMaxBytes = 4096;
constexpr const char* kExpectedText = "expected the text printed by lspci -x, -xxx or -xxxx";

std::optional<unsigned> hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return static_cast<unsigned>(c - '0');
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<unsigned>(c - 'a' + 10);
  }
  if (c >= 'A' && c <= 'F') {
    return static_cast<unsigned>(c - 'A' + 10);
  }
  return std::nullopt;
}

/// Hex value of `s` (1-4 digits), nullopt otherwise.
std::optional<unsigned> hex_number(std::string_view s) {
  if (s.empty() || s.size() > 4) {
    return std::nullopt;
  }
  unsigned v = 0;
  for (char c : s) {
    const auto d = hex_digit(c);
    if (!d) {
      return std::nullopt;
    }
    v = v * 16 + *d;
  }
  return v;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

/// Whitespace-separated words of `s`.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) {
      ++i;
    }
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) {
      ++j;
    }
    if (j > i) {
      out.push_back(s.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

/// Parser state over one dump text.
class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  std::vector<DumpBlock> run() {
    std::size_t start = 0;
    while (start < text_.size()) {
      std::size_t end = text_.find('\n', start);
      if (end == std::string_view::npos) {
        end = text_.size();
      }
      ++line_no_;
      line(text_.substr(start, end - start));
      start = end + 1;
    }
    finish_block();
    if (blocks_.empty()) {
      throw DumpFormatError(file_, 0, file_ + ": no device found; " + kExpectedText);
    }
    return std::move(blocks_);
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw DumpFormatError(file_, line_no_, file_ + ":" + std::to_string(line_no_) + ": " + problem);
  }

  void line(std::string_view raw) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const auto c = static_cast<unsigned char>(raw[i]);
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
        char buf[80];
        std::snprintf(buf, sizeof buf, "binary data (byte 0x%02x at column %zu); ", c, i + 1);
        fail(buf + std::string(kExpectedText));
      }
    }
    while (!raw.empty() && (is_space(raw.back()) || raw.back() == '\r')) {
      raw.remove_suffix(1);
    }
    if (raw.empty()) {
      finish_block();
      return;
    }
    if (raw.front() == '\t') {
      return;  // verbose detail of lspci -v
    }
    const std::string_view token = raw.substr(0, raw.find_first_of(" \t"));
    if (token.size() >= 2 && token.back() == ':' && hex_number(token.substr(0, token.size() - 1))) {
      data_line(*hex_number(token.substr(0, token.size() - 1)), raw.substr(token.size()));
      return;
    }
    if (const auto address = PciAddress::parse(token)) {
      device_line(*address, token, raw.substr(token.size()));
      return;
    }
    fail("cannot read \"" + std::string(raw.substr(0, 40)) +
         "\": expected a device line \"[domain:]bus:dev.fn description\" or a data line "
         "\"00: 86 80 ...\"");
  }

  void device_line(const PciAddress& address, std::string_view token, std::string_view rest) {
    finish_block();
    if (const auto seen = first_line_.find(address); seen != first_line_.end()) {
      fail("device " + std::string(token) + " appears twice (first at line " +
           std::to_string(seen->second) + "); keep one block per device");
    }
    first_line_.emplace(address, line_no_);
    while (!rest.empty() && is_space(rest.front())) {
      rest.remove_prefix(1);
    }
    DumpBlock block;
    block.address = address;
    block.domain_written = token.find(':') != token.rfind(':');
    block.description = std::string(rest);
    block.line = line_no_;
    current_ = std::move(block);
  }

  void data_line(unsigned offset, std::string_view rest) {
    if (!current_) {
      fail(
          "data line outside a device block; each block must start with a line "
          "\"[domain:]bus:dev.fn description\" and end at a blank line");
    }
    std::vector<std::uint8_t>& bytes = current_->bytes;
    if (offset != bytes.size()) {
      fail("offset " + hex(offset) + " is out of order (expected " + hex(bytes.size()) +
           "); rows must run 00, 10, 20, ... without gaps or repeats");
    }
    if (offset >= kMaxBytes) {
      fail("more than 4096 bytes for device " + current_->address.str() +
           "; configuration space holds at most 4096");
    }
    const auto items = words(rest);
    if (items.size() != kRowBytes) {
      fail(std::to_string(items.size()) + " bytes on a data line (expected 16)");
    }
    for (std::string_view item : items) {
      const auto v = hex_number(item);
      if (item.size() != 2 || !v) {
        fail("\"" + std::string(item) + "\" is not a byte (expected two hex digits)");
      }
      bytes.push_back(static_cast<std::uint8_t>(*v));
    }
  }

  void finish_block() {
    if (!current_) {
      return;
    }
    const std::size_t n = current_->bytes.size();
    if (n != 64 && n != 256 && n != kMaxBytes) {
      throw DumpFormatError(file_, current_->line,
                            file_ + ":" + std::to_string(current_->line) + ": device " +
                                current_->address.str() + " has " + std::to_string(n) +
                                " bytes (expected 64, 256 or 4096, as lspci -x, -xxx or -xxxx "
                                "print)");
    }
    blocks_.push_back(std::move(*current_));
    current_.reset();
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t line_no_ = 0;
  std::optional<DumpBlock> current_;
  std::vector<DumpBlock> blocks_;
  std::map<PciAddress, std::size_t> first_line_;
};

}  // namespace

std::vector<DumpBlock> parse_dump(std::string_view text, const std::string& file) {
  return Parser(text, file).run();
}

std::string format_dump_block(const PciAddress& address, bool domain_written,
                              const std::string& description, std::span<const std::uint8_t> bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02x:%02x.%x", static_cast<unsigned>(address.bus),
                static_cast<unsigned>(address.device), static_cast<unsigned>(address.function));
  std::string out = domain_written ? address.str() : std::string(buf);
  if (!description.empty()) {
    out += ' ';
    out += description;
  }
  out += '\n';
  for (std::size_t row = 0; row < bytes.size(); row += kRowBytes) {
    std::snprintf(buf, sizeof buf, "%02zx:", row);
    out += buf;
    for (std::size_t i = row; i < row + kRowBytes && i < bytes.size(); ++i) {
      std::snprintf(buf, sizeof buf, " %02x", static_cast<unsigned>(bytes[i]));
      out += buf;
    }
    out += '\n';
  }
  out += '\n';
  return out;
}

}  // namespace capstate::core
