// The msix plugin's schema steps; payloads are packed little-endian here (no core headers).
#include "msix_migrations.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "msix_layout.hpp"

namespace capstate::msix {
namespace {

constexpr std::uint8_t kControlBit = 0x1;   // bitmap bit of message_control
constexpr std::uint8_t kLocationBit = 0x2;  // bitmap bit of table_location

constexpr std::array<MigrationStep, 2> kSteps{{
    {.from = 1, .to = 2, .lossy = false, .apply = upgrade_1_to_2},
    {.from = 2, .to = 1, .lossy = true, .loses = kDowngradeLoses, .apply = downgrade_2_to_1},
}};

}  // namespace

std::vector<std::uint8_t> upgrade_1_to_2(std::span<const std::uint8_t> payload,
                                         const Capability& /*capability*/) {
  if (payload.size() != 2) {
    throw std::invalid_argument("msix schema 1 payload has " + std::to_string(payload.size()) +
                                " bytes, expected 2 (Message Control)");
  }
  const std::uint32_t control = payload[0] | (payload[1] << 8);
  const std::uint32_t entries = (control & kTableSizeMask) + 1;
  // Bitmap: message_control only (nothing was known about the table's location), the control
  // word, then the extra bytes: table_saved 0 and the entry count.
  return {kControlBit,
          0x00,
          0x00,
          0x00,
          payload[0],
          payload[1],
          0x00,
          static_cast<std::uint8_t>(entries & 0xff),
          static_cast<std::uint8_t>(entries >> 8)};
}

std::vector<std::uint8_t> downgrade_2_to_1(std::span<const std::uint8_t> payload,
                                           const Capability& /*capability*/) {
  if (payload.size() < 4) {
    throw std::invalid_argument("msix schema 2 payload has " + std::to_string(payload.size()) +
                                " bytes, too short for the 4-byte presence bitmap");
  }
  const std::uint8_t bitmap = payload[0];
  if ((bitmap & ~(kControlBit | kLocationBit)) != 0 || payload[1] != 0 || payload[2] != 0 ||
      payload[3] != 0) {
    throw std::invalid_argument(
        "msix schema 2 presence bitmap marks fields beyond "
        "message_control and table_location");
  }
  if ((bitmap & kControlBit) == 0) {
    throw std::invalid_argument(
        "msix schema 2 payload has no message_control, which every MSI-X capability has");
  }
  const std::size_t fields_end = 4 + 2 + ((bitmap & kLocationBit) != 0 ? 4 : 0);
  if (payload.size() < fields_end + 3) {
    throw std::invalid_argument("msix schema 2 payload has " + std::to_string(payload.size()) +
                                " bytes, expected at least " + std::to_string(fields_end + 3) +
                                " (fields, table_saved and entries)");
  }
  return {payload[4], payload[5]};
}

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

}  // namespace capstate::msix
