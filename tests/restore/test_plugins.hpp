// Plugins written for the restore tests: a register with a W1C status bit, and a plugin with
// migration steps between its two schemas; plus a small endpoint that has both capabilities.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {

/// The endpoint of the plugin tests (a type 0 function).
inline const PciAddress kEndpoint{0, 0x03, 0x00, 0};
/// Where the status plugin's capability sits on the endpoint.
inline constexpr std::uint16_t kStatusCap = 0x50;
/// Where the migrating plugin's capability sits on the endpoint.
inline constexpr std::uint16_t kMigCap = 0x60;

/// Capability 0x09 (standard): one dword, control bits 15:0 and a W1C status bit 16.
class StatusPlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {.name = "status",
            .version = "1.0.0",
            .summary = "control register with a write-1-to-clear status bit",
            .claims = kHandles,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 50};
  }
  std::span<const Layout> layouts() const override { return kLayouts; }

  static constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::standard, .id = 0x09}}};
  // clang-format off
  static constexpr std::array<Field, 1> kFields{{
      {.name = "control_status", .offset = 0x04, .width = Width::dword, .writable = 0x0000ffff, .w1c = 0x00010000, .verify = 0x0000ffff},
  }};
  // clang-format on
  static constexpr std::array<Layout, 1> kLayouts{{
      {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kFields},
  }};
};

/// Capability 0x0c (standard) with schema 1 (one dword "control") and schema 2 (the dword split
/// in two words, plus a "mode" byte); 1 -> 2 is lossless, 2 -> 1 loses "mode".
class MigPlugin final : public Plugin {
 public:
  /// With `broken`, the 1 -> 2 step returns a payload too short for schema 2.
  explicit MigPlugin(bool broken = false) : broken_(broken) {}

  PluginInfo info() const override {
    return {.name = "mig",
            .version = "2.0.0",
            .summary = "test plugin with migration steps",
            .claims = kHandles,
            .current_schema = 2,
            .oldest_schema = 1,
            .restore_phase = 60};
  }
  std::span<const Layout> layouts() const override { return kLayouts; }
  std::span<const MigrationStep> migrations() const override {
    return broken_ ? std::span<const MigrationStep>(kBrokenSteps) : kSteps;
  }

  /// 1 -> 2: control dword -> bitmap {control_lo, control_hi} + two words; mode absent.
  static std::vector<std::uint8_t> up(std::span<const std::uint8_t> p, const Capability&) {
    if (p.size() != 4) {
      throw std::invalid_argument("schema 1 payload has " + std::to_string(p.size()) +
                                  " bytes, expected 4");
    }
    return {0x03, 0x00, 0x00, 0x00, p[0], p[1], p[2], p[3]};
  }
  /// 2 -> 1: the two words back into the dword; mode is dropped.
  static std::vector<std::uint8_t> down(std::span<const std::uint8_t> p, const Capability&) {
    if (p.size() < 8 || (p[0] & 0x03) != 0x03) {
      throw std::invalid_argument("schema 2 payload lacks control_lo or control_hi");
    }
    return {p[4], p[5], p[6], p[7]};
  }
  /// A buggy 1 -> 2 step: claims three fields but stores only two.
  static std::vector<std::uint8_t> up_broken(std::span<const std::uint8_t> p, const Capability&) {
    return {0x07, 0x00, 0x00, 0x00, p[0], p[1], p[2], p[3]};
  }

  static constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::standard, .id = 0x0c}}};
  // clang-format off
  static constexpr std::array<Field, 1> kFields1{{
      {.name = "control", .offset = 0x04, .width = Width::dword, .writable = 0x000f00ff, .verify = 0x000f00ff},
  }};
  static constexpr std::array<Field, 3> kFields2{{
      {.name = "control_lo", .offset = 0x04, .width = Width::word, .writable = 0x00ff, .verify = 0x00ff},
      {.name = "control_hi", .offset = 0x06, .width = Width::word, .writable = 0x000f, .verify = 0x000f},
      {.name = "mode", .offset = 0x08, .width = Width::byte, .writable = 0x03, .verify = 0x03},
  }};
  // clang-format on
  static constexpr std::array<Layout, 2> kLayouts{{
      {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kFields1},
      {.schema_version = 2, .encoding = Encoding::present_fields, .fields = kFields2},
  }};
  static constexpr std::array<MigrationStep, 2> kSteps{{
      {.from = 1, .to = 2, .lossy = false, .apply = &up},
      {.from = 2, .to = 1, .lossy = true, .loses = "the mode register (byte 0x08)", .apply = &down},
  }};
  static constexpr std::array<MigrationStep, 1> kBrokenSteps{{
      {.from = 1, .to = 2, .lossy = false, .apply = &up_broken},
  }};

 private:
  bool broken_;
};

/// A type 0 endpoint: status plugin capability at 0x50 (control_status), mig plugin capability
/// at 0x60 (control dword at +4, mode byte at +8). Writable masks match the plugins' masks; the
/// status bit 16 of control_status is write-1-to-clear in the model.
inline Image endpoint_image(std::uint32_t control_status, std::uint32_t mig_control,
                            std::uint8_t mig_mode) {
  Image im;
  im.bytes.resize(kConventionalSize);
  im.writable.resize(kConventionalSize);
  im.w1c.resize(kConventionalSize);
  im.set(0x00, Width::dword, 0x5678abcd);  // vendor abcd, device 5678
  im.set(0x06, Width::word, 0x0010);       // status: capability list
  im.set(0x08, Width::dword, 0x02000003);  // class 020000, revision 03
  im.set(0x2c, Width::dword, 0x0001abcd);  // subsystem abcd:0001
  im.set(0x34, Width::byte, kStatusCap);
  im.set(kStatusCap, Width::word, 0x6009);  // capability 0x09, next 0x60
  im.set(kStatusCap + 4, Width::dword, control_status);
  im.rw(kStatusCap + 4, Width::dword, 0x0000ffff);
  im.clear_on_one(kStatusCap + 4, Width::dword, 0x00010000);
  im.set(kMigCap, Width::word, 0x000c);  // capability 0x0c, end of list
  im.set(kMigCap + 4, Width::dword, mig_control);
  im.set(kMigCap + 8, Width::byte, mig_mode);
  im.rw(kMigCap + 4, Width::dword, 0x000f00ff);
  im.rw(kMigCap + 8, Width::byte, 0x03);
  return im;
}

}  // namespace capstate::restoretest
