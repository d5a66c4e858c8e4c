#include "util/hex.hpp"

#include <algorithm>
#include <iterator>

namespace capstate::core {
namespace {

constexpr std::string_view kDigits = "0123456789abcdef";

// At least `min_digits` lower-case hex digits of `value`, without a prefix.
std::string digits_of(std::uint64_t value, int min_digits) {
  char buf[16];
  char* first = std::end(buf);
  do {
    *--first = kDigits[value & 0xfU];
    value >>= 4;
  } while (value != 0);
  const auto n = static_cast<std::size_t>(std::end(buf) - first);
  const auto width = static_cast<std::size_t>(std::max(min_digits, 0));
  std::string out(width > n ? width - n : 0, '0');
  out.append(first, n);
  return out;
}

}  // namespace

std::optional<std::uint32_t> parse_hex_digits(std::string_view digits, std::size_t max_digits) {
  if (digits.empty() || digits.size() > max_digits || digits.size() > 8) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (const char c : digits) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

std::string hex(std::uint64_t value) {
  return "0x" + digits_of(value, 0);
}

std::string hex(std::uint64_t value, int digits) {
  return "0x" + digits_of(value, digits);
}

std::string hex_digits(std::uint64_t value) {
  return digits_of(value, 0);
}

}  // namespace capstate::core
