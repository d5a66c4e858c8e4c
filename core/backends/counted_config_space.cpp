// Range and alignment checks plus access counting shared by every backend's ConfigSpace.
#include "backends/counted_config_space.hpp"

#include <cstdio>
#include <string>

namespace capstate::core {

void CountedConfigSpace::check(std::uint16_t offset, Width width, const char* what) const {
  const unsigned bytes = width_bytes(width);
  char buf[160];
  if (offset % bytes != 0) {
    std::snprintf(buf, sizeof buf, ": %u-bit %s at 0x%04x is misaligned (must be a multiple of %u)",
                  width_bits(width), what, static_cast<unsigned>(offset), bytes);
    throw AccessError(device_name() + buf);
  }
  if (static_cast<unsigned>(offset) + bytes > size()) {
    std::snprintf(buf, sizeof buf,
                  ": %u-bit %s at 0x%04x is beyond the end of configuration space (size 0x%x)",
                  width_bits(width), what, static_cast<unsigned>(offset),
                  static_cast<unsigned>(size()));
    throw AccessError(device_name() + buf);
  }
}

std::uint32_t CountedConfigSpace::read(std::uint16_t offset, Width width) {
  check(offset, width, "read");
  counts_.count_read(width);
  return do_read(offset, width) & width_mask(width);
}

void CountedConfigSpace::write(std::uint16_t offset, Width width, std::uint32_t value) {
  check(offset, width, "write");
  counts_.count_write(width);
  do_write(offset, width, value & width_mask(width));
}

}  // namespace capstate::core
