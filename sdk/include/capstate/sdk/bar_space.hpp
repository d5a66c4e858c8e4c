// Memory behind a function's Base Address Registers (for MSI-X tables and the like).
#pragma once

#include <cstdint>

#include "capstate/sdk/access.hpp"

namespace capstate {

/// 32-bit reads and writes of memory behind BAR 0-5 of one function.
class BarSpace {
 public:
  virtual ~BarSpace() = default;

  /// Whether BAR `bar` (0-5) can be accessed through this object.
  virtual bool has_bar(std::uint8_t bar) const = 0;
  /// Size in bytes of the accessible region of BAR `bar` (0 when absent).
  virtual std::uint64_t bar_size(std::uint8_t bar) const = 0;
  /// Reads the dword at `offset` in BAR `bar`; throws AccessError when absent or out of range.
  virtual std::uint32_t read32(std::uint8_t bar, std::uint64_t offset) = 0;
  /// Writes the dword at `offset` in BAR `bar`; throws AccessError when absent or out of range.
  virtual void write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) = 0;
};

}  // namespace capstate
