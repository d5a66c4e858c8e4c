// CachedConfigSpace: aligned dwords read once, narrower reads served from them.
#include "backends/cached_config_space.hpp"

namespace capstate::core {

std::uint32_t CachedConfigSpace::read(std::uint16_t offset, Width width) {
  const unsigned bytes = width_bytes(width);
  const std::size_t index = offset / 4U;
  if (offset % bytes != 0 || static_cast<unsigned>(offset) + bytes > source_.size() ||
      index >= kDwords) {
    return source_.read(offset, width);  // the source refuses it with its own message
  }
  if (!valid_.test(index)) {
    try {
      dwords_[index] = source_.read(static_cast<std::uint16_t>(index * 4), Width::dword);
    } catch (const AccessError&) {
      // The dword is refused (e.g. it reaches past the bytes a dump holds): ask for exactly what
      // the caller asked for, so the caller sees the source's own answer for that access.
      return source_.read(offset, width);
    }
    valid_.set(index);
  }
  return (dwords_[index] >> (8U * (offset % 4U))) & width_mask(width);
}

void CachedConfigSpace::write(std::uint16_t offset, Width width, std::uint32_t value) {
  // Forgotten first, so a write that throws leaves nothing stale; both dwords when the source
  // would take an access across a dword boundary.
  const std::size_t last = (static_cast<std::size_t>(offset) + width_bytes(width) - 1) / 4U;
  for (std::size_t index = offset / 4U; index <= last && index < kDwords; ++index) {
    valid_.reset(index);
  }
  source_.write(offset, width, value);
}

}  // namespace capstate::core
