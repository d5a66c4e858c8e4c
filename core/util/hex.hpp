// Hexadecimal numbers in text: parsing what people write (addresses, IDs, keys) and writing them
// in messages and text output, the one place for both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capstate::core {

/// Value of `digits` (hex, no prefix, either case); nullopt when empty, longer than
/// `max_digits` (at most 8) or not all hex digits.
std::optional<std::uint32_t> parse_hex_digits(std::string_view digits, std::size_t max_digits);

/// "0x1f": lower-case hex digits with a 0x prefix, as few as the value needs (printf "0x%x").
std::string hex(std::uint64_t value);

/// "0x001f" for hex(0x1f, 4): lower-case hex with a 0x prefix and at least `digits` digits,
/// zero-padded (printf "0x%0*x"); a value that needs more digits gets them all.
std::string hex(std::uint64_t value, int digits);

/// "1f": the digits of hex(value) without the prefix, for texts that write the 0x themselves or
/// none at all ("range 0-ff").
std::string hex_digits(std::uint64_t value);

}  // namespace capstate::core
