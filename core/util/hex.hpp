// Parsing hexadecimal numbers written by people (addresses, IDs, keys).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace capstate::core {

/// Value of `digits` (hex, no prefix, either case); nullopt when empty, longer than
/// `max_digits` (at most 8) or not all hex digits.
std::optional<std::uint32_t> parse_hex_digits(std::string_view digits, std::size_t max_digits);

}  // namespace capstate::core
