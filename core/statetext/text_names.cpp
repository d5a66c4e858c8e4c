#include "statetext/text_names.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace capstate::core {

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string bytes_to_hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out += fmt::format("{:02x}", b);
  }
  return out;
}

std::vector<std::uint8_t> hex_to_bytes(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    throw std::invalid_argument(
        fmt::format("hex string has an odd number of digits ({})", hex.size()));
  }
  auto digit = [&](char c, std::size_t pos) -> std::uint8_t {
    if (c >= '0' && c <= '9') {
      return static_cast<std::uint8_t>(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
      return static_cast<std::uint8_t>(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
      return static_cast<std::uint8_t>(c - 'A' + 10);
    }
    throw std::invalid_argument(fmt::format("'{}' at position {} is not a hex digit", c, pos));
  };
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] =
        static_cast<std::uint8_t>(digit(hex[2 * i], 2 * i) << 4 | digit(hex[2 * i + 1], 2 * i + 1));
  }
  return out;
}

}  // namespace capstate::core
