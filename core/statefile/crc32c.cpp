// CRC32C: slicing-by-8 tables on every CPU, the SSE4.2 crc32 instruction where the CPU has it.
#include "statefile/crc32c.hpp"

#include <array>
#include <cstring>

#include "statefile/format.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define CAPSTATE_CRC32C_SSE42 1
#include <nmmintrin.h>
#endif

namespace capstate::core {
namespace {

/// The reflected Castagnoli polynomial (0x1EDC6F41 bit-reversed).
constexpr std::uint32_t kReflectedPoly = 0x82F63B78U;

/// Slicing-by-8 tables: row 0 is the byte-at-a-time table; row k advances a byte through k more
/// zero bytes, so eight input bytes are folded with eight lookups.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ ((crc & 1U) != 0 ? kReflectedPoly : 0U);
    }
    t[0][b] = crc;
  }
  for (std::size_t row = 1; row < 8; ++row) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      const std::uint32_t prev = t[row - 1][b];
      t[row][b] = (prev >> 8) ^ t[0][prev & 0xffU];
    }
  }
  return t;
}

constexpr Tables kTables = make_tables();

/// Little-endian 64-bit load from any alignment.
std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  }
  return v;
}

/// Runs the raw (not inverted) CRC register `crc` over `n` bytes with the tables.
std::uint32_t update_portable(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  while (n >= 8) {
    const std::uint64_t v = load_le64(p) ^ crc;
    crc = kTables[7][v & 0xffU] ^ kTables[6][(v >> 8) & 0xffU] ^ kTables[5][(v >> 16) & 0xffU] ^
          kTables[4][(v >> 24) & 0xffU] ^ kTables[3][(v >> 32) & 0xffU] ^
          kTables[2][(v >> 40) & 0xffU] ^ kTables[1][(v >> 48) & 0xffU] ^ kTables[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) {
    crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xffU];
  }
  return crc;
}

#ifdef CAPSTATE_CRC32C_SSE42
/// Runs the raw CRC register over `n` bytes with the crc32 instruction (SSE4.2 CPUs only).
__attribute__((target("sse4.2"))) std::uint32_t update_sse42(std::uint32_t crc,
                                                             const std::uint8_t* p, std::size_t n) {
#if defined(__x86_64__)
  std::uint64_t wide = crc;
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    wide = _mm_crc32_u64(wide, v);
    p += 8;
    n -= 8;
  }
  crc = static_cast<std::uint32_t>(wide);
#endif
  while (n >= 4) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    crc = _mm_crc32_u32(crc, v);
    p += 4;
    n -= 4;
  }
  while (n-- > 0) {
    crc = _mm_crc32_u8(crc, *p++);
  }
  return crc;
}

bool cpu_has_sse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}
#endif

using Update = std::uint32_t (*)(std::uint32_t, const std::uint8_t*, std::size_t);

/// The update function for this machine, chosen once (thread-safe static initialisation).
Update best_update() {
#ifdef CAPSTATE_CRC32C_SSE42
  static const Update chosen = cpu_has_sse42() ? &update_sse42 : &update_portable;
  return chosen;
#else
  return &update_portable;
#endif
}

}  // namespace

std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::uint8_t> bytes) {
  return ~best_update()(~crc, bytes.data(), bytes.size());
}

std::uint32_t crc32c(std::span<const std::uint8_t> bytes) {
  return crc32c_extend(0, bytes);
}

std::uint32_t crc32c_portable(std::span<const std::uint8_t> bytes) {
  return ~update_portable(0xFFFFFFFFU, bytes.data(), bytes.size());
}

std::optional<std::uint32_t> crc32c_hardware(std::span<const std::uint8_t> bytes) {
#ifdef CAPSTATE_CRC32C_SSE42
  if (cpu_has_sse42()) {
    return ~update_sse42(0xFFFFFFFFU, bytes.data(), bytes.size());
  }
#endif
  (void)bytes;
  return std::nullopt;
}

bool crc32c_uses_hardware() {
  return best_update() != &update_portable;
}

std::uint32_t state_file_checksum(std::span<const std::uint8_t> file) {
  constexpr std::size_t at = format::kChecksumOffset;
  constexpr std::array<std::uint8_t, 4> zeros{};
  std::uint32_t crc = crc32c(file.first(at));
  crc = crc32c_extend(crc, zeros);
  return crc32c_extend(crc, file.subspan(at + zeros.size()));
}

}  // namespace capstate::core
