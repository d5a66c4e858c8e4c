// The pcie plugin's schema steps; payloads are packed little-endian here (no core headers).
#include "pcie_migrations.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace capstate::pcie {
namespace {

// Schema 1 word order: DEVCTL, LNKCTL, SLTCTL, RTCTL, DEVCTL2, LNKCTL2, SLTCTL2.
constexpr std::size_t kV1Words = 7;
constexpr std::size_t kV1Bytes = kV1Words * 2;
// Schema 2 field order: device_control, link_control, link_control_aspm, slot_control,
// root_control, device_control2, link_control2 (all words, after a u32 presence bitmap).
constexpr std::size_t kV2Fields = 7;
constexpr std::uint32_t kV2AllPresent = (1U << kV2Fields) - 1U;
constexpr std::uint16_t kAspmControl = 0x0003;

// Where each schema-2 field takes its value in the schema-1 array.
constexpr std::array<std::size_t, kV2Fields> kV2FromV1{0, 1, 1, 2, 3, 4, 5};

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(v));
  return buf;
}

std::uint16_t get_u16(std::span<const std::uint8_t> in, std::size_t at) {
  return static_cast<std::uint16_t>(in[at] | (in[at + 1] << 8));
}

constexpr std::array<MigrationStep, 2> kSteps{{
    {.from = 1, .to = 2, .lossy = false, .apply = upgrade_1_to_2},
    {.from = 2, .to = 1, .lossy = false, .apply = downgrade_2_to_1},
}};

}  // namespace

std::vector<std::uint8_t> upgrade_1_to_2(std::span<const std::uint8_t> payload,
                                         const Capability& /*capability*/) {
  if (payload.size() != kV1Bytes) {
    throw std::invalid_argument("pcie schema 1 payload has " + std::to_string(payload.size()) +
                                " bytes, expected 14 (seven 16-bit control registers)");
  }
  std::vector<std::uint8_t> out;
  for (unsigned i = 0; i < 4; ++i) {
    out.push_back(static_cast<std::uint8_t>(kV2AllPresent >> (8 * i)));
  }
  for (std::size_t from : kV2FromV1) {
    put_u16(out, get_u16(payload, from * 2));
  }
  return out;
}

std::vector<std::uint8_t> downgrade_2_to_1(std::span<const std::uint8_t> payload,
                                           const Capability& /*capability*/) {
  if (payload.size() < 4) {
    throw std::invalid_argument("pcie schema 2 payload has " + std::to_string(payload.size()) +
                                " bytes, too short for the 4-byte presence bitmap");
  }
  const std::uint32_t bitmap = static_cast<std::uint32_t>(payload[0]) |
                               (static_cast<std::uint32_t>(payload[1]) << 8) |
                               (static_cast<std::uint32_t>(payload[2]) << 16) |
                               (static_cast<std::uint32_t>(payload[3]) << 24);
  if ((bitmap & ~kV2AllPresent) != 0) {
    throw std::invalid_argument("pcie schema 2 presence bitmap " + hex(bitmap) +
                                " marks fields beyond the seven of the layout");
  }
  std::array<std::uint16_t, kV2Fields> value{};
  std::array<bool, kV2Fields> present{};
  std::size_t at = 4;
  for (std::size_t i = 0; i < kV2Fields; ++i) {
    if (((bitmap >> i) & 1U) == 0) {
      continue;
    }
    if (at + 2 > payload.size()) {
      throw std::invalid_argument("pcie schema 2 payload of " + std::to_string(payload.size()) +
                                  " bytes ends inside present field " + std::to_string(i));
    }
    value[i] = get_u16(payload, at);
    present[i] = true;
    at += 2;
  }
  if (at != payload.size()) {
    throw std::invalid_argument("pcie schema 2 payload has " + std::to_string(payload.size() - at) +
                                " bytes after its " + std::to_string(at) + " bytes of fields");
  }
  // LNKCTL: ASPM control from link_control_aspm, the rest from link_control (either may stand in
  // for the other when only one is present; both read the same register when saved).
  std::uint16_t lnkctl = 0;
  if (present[1] || present[2]) {
    const std::uint16_t base = present[1] ? value[1] : value[2];
    const std::uint16_t aspm = present[2] ? value[2] : value[1];
    lnkctl = static_cast<std::uint16_t>((base & ~kAspmControl) | (aspm & kAspmControl));
  }
  const std::array<std::uint16_t, kV1Words> words{value[0], lnkctl,   value[3], value[4],
                                                  value[5], value[6], 0};
  std::vector<std::uint8_t> out;
  for (std::uint16_t w : words) {
    put_u16(out, w);
  }
  return out;
}

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

}  // namespace capstate::pcie
