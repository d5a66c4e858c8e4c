// CRC32C (Castagnoli), the checksum of state files and of each record in them.
#pragma once

#include <cstdint>
#include <span>

namespace capstate::core {

/// CRC32C of `bytes` (reflected, polynomial 0x1EDC6F41, init and final XOR 0xFFFFFFFF); the check
/// value of "123456789" is 0xE3069283.
std::uint32_t crc32c(std::span<const std::uint8_t> bytes);

/// The whole-file checksum of an encoded state file: CRC32C over every byte of `file`, with the
/// four bytes of the checksum field itself taken as zero. `file` must be at least as long as the
/// fixed header.
std::uint32_t state_file_checksum(std::span<const std::uint8_t> file);

}  // namespace capstate::core
