// Reads and writes of configuration space bytes held in memory.
#include "backends/memory_config_space.hpp"

#include <cstdio>

namespace capstate::core {

std::uint8_t merge_written_byte(std::uint8_t old, std::uint8_t value, std::uint8_t writable,
                                std::uint8_t w1c) {
  const unsigned kept = old & ~(writable | w1c) & 0xffU;
  const unsigned taken = value & writable & ~w1c & 0xffU;
  const unsigned not_cleared = old & w1c & ~value & 0xffU;
  return static_cast<std::uint8_t>(kept | taken | not_cleared);
}

void MemoryConfigSpace::check_held(std::uint16_t offset, Width width, const char* what) const {
  if (offset + width_bytes(width) <= device_.held) {
    return;
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, ": %u-bit %s at 0x%04x: ", width_bits(width), what,
                static_cast<unsigned>(offset));
  throw AccessError(device_.name + buf + device_.beyond_held_hint);
}

std::uint32_t MemoryConfigSpace::do_read(std::uint16_t offset, Width width) {
  device_.totals.count_read(width);
  check_held(offset, width, "read");
  std::uint32_t value = 0;
  for (unsigned i = 0; i < width_bytes(width); ++i) {
    value |= static_cast<std::uint32_t>(device_.bytes[offset + i]) << (8 * i);
  }
  return value;
}

void MemoryConfigSpace::do_write(std::uint16_t offset, Width width, std::uint32_t value) {
  device_.totals.count_write(width);
  check_held(offset, width, "write");
  for (unsigned i = 0; i < width_bytes(width); ++i) {
    const std::size_t at = offset + i;
    const auto byte = static_cast<std::uint8_t>(value >> (8 * i));
    const std::uint8_t writable = device_.writable.empty() ? 0xff : device_.writable[at];
    const std::uint8_t w1c = device_.w1c.empty() ? 0x00 : device_.w1c[at];
    device_.bytes[at] = merge_written_byte(device_.bytes[at], byte, writable, w1c);
  }
}

}  // namespace capstate::core
