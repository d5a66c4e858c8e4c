// A configurable in-memory plugin for engine tests.
#pragma once

#include <array>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "capstate/sdk/plugin.hpp"

namespace capstate::testing {

/// Capability 0x99 (standard) with two data-only fields per schema; schema 2 has 2 extra bytes.
class FakePlugin final : public Plugin {
 public:
  PluginInfo info() const override { return info_; }
  std::span<const Layout> layouts() const override { return layouts_; }
  std::vector<std::uint8_t> save_extra(const SaveContext& ctx) const override {
    if (throw_on_save) {
      throw std::runtime_error("boom");
    }
    // Echo the first field's low byte and the capability offset.
    return {static_cast<std::uint8_t>(ctx.fields[0].value),
            static_cast<std::uint8_t>(ctx.capability.offset)};
  }
  std::vector<DecodedValue> decode_extra(std::uint16_t,
                                         std::span<const std::uint8_t> extra) const override {
    if (extra.size() != 2) {
      throw std::invalid_argument("fake extra needs 2 bytes, got " + std::to_string(extra.size()));
    }
    return {{"echo", extra[0], 8}, {"where", extra[1], 8}};
  }
  std::vector<std::uint8_t> encode_extra(std::uint16_t,
                                         std::span<const DecodedValue> values) const override {
    if (values.size() != 2 || values[0].name != "echo" || values[1].name != "where") {
      throw std::invalid_argument("fake extra wants echo and where");
    }
    return {static_cast<std::uint8_t>(values[0].value), static_cast<std::uint8_t>(values[1].value)};
  }

  bool throw_on_save = false;  ///< make save_extra throw

  static constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::standard, .id = 0x99}}};
  // clang-format off
  static constexpr std::array<Field, 2> kFields1{{
      {.name = "ctl", .offset = 0x04, .width = Width::word, .writable = 0xffff},
      {.name = "ext", .offset = 0x08, .width = Width::dword, .presence = {.all_of = {Condition{.test = Test::any_bit_set, .offset = 0x02, .width = Width::word, .mask = 0x1}}}},
  }};
  static constexpr std::array<Field, 2> kFields2{{
      {.name = "ctl", .offset = 0x04, .width = Width::word, .writable = 0x7fff},
      {.name = "ext", .offset = 0x08, .width = Width::dword, .presence = {.all_of = {Condition{.test = Test::any_bit_set, .offset = 0x02, .width = Width::word, .mask = 0x1}}}},
  }};
  // clang-format on
  static constexpr std::array<Layout, 2> kLayouts{{
      {.schema_version = 1, .encoding = Encoding::all_fields, .fields = kFields1},
      {.schema_version = 2,
       .encoding = Encoding::present_fields,
       .fields = kFields2,
       .extra = "u8 echo; u8 where"},
  }};

 private:
  PluginInfo info_{.name = "fake",
                   .version = "0.1",
                   .summary = "test plugin",
                   .claims = kHandles,
                   .current_schema = 2,
                   .oldest_schema = 1,
                   .restore_phase = 10};
  std::span<const Layout> layouts_ = kLayouts;
};

}  // namespace capstate::testing
