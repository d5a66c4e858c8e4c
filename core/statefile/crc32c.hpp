// CRC32C (Castagnoli), the checksum of state files and of each record in them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace capstate::core {

/// CRC32C of `bytes` (reflected, polynomial 0x1EDC6F41, init and final XOR 0xFFFFFFFF); the check
/// value of "123456789" is 0xE3069283. Uses the SSE4.2 crc32 instruction when the CPU has it,
/// else crc32c_portable(); both give the same result.
std::uint32_t crc32c(std::span<const std::uint8_t> bytes);

/// Continues a CRC32C over more bytes: crc32c_extend(crc32c(a), b) equals crc32c(a followed by b),
/// and crc32c_extend(0, b) equals crc32c(b).
std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::uint8_t> bytes);

/// CRC32C by the portable slicing-by-8 tables, on every CPU (what crc32c() falls back to).
std::uint32_t crc32c_portable(std::span<const std::uint8_t> bytes);

/// CRC32C by the SSE4.2 crc32 instruction; nullopt when this CPU or build has no such path.
std::optional<std::uint32_t> crc32c_hardware(std::span<const std::uint8_t> bytes);

/// Whether crc32c() and crc32c_extend() use the SSE4.2 instruction on this machine.
bool crc32c_uses_hardware();

/// The whole-file checksum of an encoded state file: CRC32C over every byte of `file`, with the
/// four bytes of the checksum field itself taken as zero. `file` must be at least as long as the
/// fixed header.
std::uint32_t state_file_checksum(std::span<const std::uint8_t> file);

}  // namespace capstate::core
