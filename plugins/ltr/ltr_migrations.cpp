// The ltr plugin's schema steps; payloads are packed little-endian here (no core headers).
#include "ltr_migrations.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace capstate::ltr {
namespace {

constexpr std::array<MigrationStep, 2> kSteps{{
    {.from = 1, .to = 2, .lossy = false, .apply = upgrade_1_to_2},
    {.from = 2, .to = 1, .lossy = false, .apply = downgrade_2_to_1},
}};

}  // namespace

std::vector<std::uint8_t> upgrade_1_to_2(std::span<const std::uint8_t> payload,
                                         const Capability& /*capability*/) {
  if (payload.size() != 4) {
    throw std::invalid_argument("ltr schema 1 payload has " + std::to_string(payload.size()) +
                                " bytes, expected 4 (max snoop and max no-snoop latency words)");
  }
  // Bitmap 0x00000001 (max_latencies present), then the two words in the same byte order: the
  // snoop word becomes the low half, the no-snoop word the high half.
  return {0x01, 0x00, 0x00, 0x00, payload[0], payload[1], payload[2], payload[3]};
}

std::vector<std::uint8_t> downgrade_2_to_1(std::span<const std::uint8_t> payload,
                                           const Capability& /*capability*/) {
  if (payload.size() < 4) {
    throw std::invalid_argument("ltr schema 2 payload has " + std::to_string(payload.size()) +
                                " bytes, too short for the 4-byte presence bitmap");
  }
  if (payload[0] != 0x01 || payload[1] != 0 || payload[2] != 0 || payload[3] != 0) {
    throw std::invalid_argument(
        "ltr schema 2 presence bitmap must be 0x1 (max_latencies present on every LTR "
        "capability), found bytes " +
        std::to_string(payload[0]) + "," + std::to_string(payload[1]) + "," +
        std::to_string(payload[2]) + "," + std::to_string(payload[3]));
  }
  if (payload.size() != 8) {
    throw std::invalid_argument("ltr schema 2 payload has " + std::to_string(payload.size()) +
                                " bytes, expected 8 (bitmap and the 32-bit max_latencies)");
  }
  return {payload[4], payload[5], payload[6], payload[7]};
}

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

}  // namespace capstate::ltr
