// The configuration space of one PCI function, as plugins see it.
#pragma once

#include <cstdint>
#include <string>

#include "capstate/sdk/access.hpp"

namespace capstate {

/// Size of the conventional configuration space in bytes.
inline constexpr std::uint16_t kConventionalSize = 256;
/// Size of the PCI Express extended configuration space in bytes.
inline constexpr std::uint16_t kExtendedSize = 4096;

/// Reads and writes of one function's configuration space at naturally aligned offsets.
class ConfigSpace {
 public:
  virtual ~ConfigSpace() = default;

  /// Size in bytes: kConventionalSize or kExtendedSize.
  virtual std::uint16_t size() const = 0;
  /// Human-readable name of the device behind this space, for messages (e.g. "0000:00:1f.2").
  virtual std::string device_name() const = 0;
  /// Reads `width` bytes at `offset`; throws AccessError when out of range or misaligned.
  virtual std::uint32_t read(std::uint16_t offset, Width width) = 0;
  /// Writes the low `width` bytes of `value` at `offset`; throws AccessError on failure.
  virtual void write(std::uint16_t offset, Width width, std::uint32_t value) = 0;

  /// Reads one byte.
  std::uint8_t read8(std::uint16_t offset) {
    return static_cast<std::uint8_t>(read(offset, Width::byte));
  }
  /// Reads one 16-bit word.
  std::uint16_t read16(std::uint16_t offset) {
    return static_cast<std::uint16_t>(read(offset, Width::word));
  }
  /// Reads one 32-bit dword.
  std::uint32_t read32(std::uint16_t offset) { return read(offset, Width::dword); }
  /// Writes one byte.
  void write8(std::uint16_t offset, std::uint8_t v) { write(offset, Width::byte, v); }
  /// Writes one 16-bit word.
  void write16(std::uint16_t offset, std::uint16_t v) { write(offset, Width::word, v); }
  /// Writes one 32-bit dword.
  void write32(std::uint16_t offset, std::uint32_t v) { write(offset, Width::dword, v); }
};

}  // namespace capstate
