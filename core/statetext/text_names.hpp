// Small text helpers shared by the TOML and JSON forms of a state file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace capstate::core {

/// `text` as a TOML basic string, quoted and escaped.
std::string toml_string(std::string_view text);
/// Lower-case hex of `bytes`, two digits per byte, no separators.
std::string bytes_to_hex(std::span<const std::uint8_t> bytes);
/// Bytes of a hex string written by bytes_to_hex; throws std::invalid_argument on bad input.
std::vector<std::uint8_t> hex_to_bytes(std::string_view hex);

}  // namespace capstate::core
