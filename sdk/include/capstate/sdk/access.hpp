// Access widths and the error type shared by every register access.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace capstate {

/// Width of one register access, in bytes.
enum class Width : std::uint8_t { byte = 1, word = 2, dword = 4 };

/// Number of bytes an access of `w` covers.
constexpr unsigned width_bytes(Width w) {
  return static_cast<unsigned>(w);
}

/// Number of bits an access of `w` covers.
constexpr unsigned width_bits(Width w) {
  return 8U * width_bytes(w);
}

/// All-ones mask for a value of width `w`.
constexpr std::uint32_t width_mask(Width w) {
  return w == Width::dword ? 0xffffffffU : ((1U << width_bits(w)) - 1U);
}

/// Thrown by a ConfigSpace or BarSpace when an access cannot be done; the text names the
/// device, the offset and what the user can do.
class AccessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace capstate
