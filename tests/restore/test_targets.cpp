// Targets beyond capabilities: a plugin that owns the configuration header and one that owns a
// region of configuration space (an array of vendor registers) save, go through a version 2 state
// file, and restore at absolute offsets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "backends/model_source.hpp"
#include "dispatch/device_save.hpp"
#include "registry/registry.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/codec.hpp"

namespace capstate::core {
namespace {

using ::testing::ElementsAre;

constexpr PciAddress kAddress{0, 3, 0, 0};

// The header: Command (decode and bus master) and Cache Line Size, on type 0 headers only.
constexpr Condition kType0{.test = capstate::Test::equals,
                           .source = ValueSource::header_register,
                           .offset = 0x0c,
                           .width = Width::dword,
                           .mask = 0x007f0000,
                           .shift = 16,
                           .operand = 0};
constexpr std::array<Field, 2> kHeaderFields{{
    {.name = "cache_line_size",
     .offset = 0x0c,
     .width = Width::byte,
     .writable = 0xff,
     .verify = 0xff,
     .presence = {.all_of = {kType0}}},
    {.name = "command", .offset = 0x04, .width = Width::word, .writable = 0x0007, .verify = 0x0007},
}};
constexpr std::array<Layout, 1> kHeaderLayouts{{{.schema_version = 1, .fields = kHeaderFields}}};
constexpr std::array<Claim, 1> kHeaderClaims{{{.kind = CapKind::header}}};

// A region at 0x40: four vendor registers as an array of dwords in configuration space.
constexpr std::array<std::uint16_t, 1> kVendor{0x8086};
constexpr std::array<Field, 1> kRegister{
    {{.name = "value", .offset = 0, .width = Width::dword, .writable = ~0U, .verify = ~0U}}};
constexpr std::array<Array, 1> kRegisters{{{.name = "reg",
                                            .saved_name = "regs_saved",
                                            .count_name = "regs",
                                            .count = {.constant = 4, .max = 4},
                                            .place = {.space = Space::config, .offset = 0},
                                            .stride = 4,
                                            .fields = kRegister}}};
constexpr std::array<Layout, 1> kRegionLayouts{
    {{.schema_version = 1, .fields = {}, .arrays = kRegisters}}};
constexpr std::array<Claim, 1> kRegionClaims{{{.kind = CapKind::region,
                                               .device = {.vendors = kVendor},
                                               .region_offset = 0x40,
                                               .region_size = 0x10}}};

class TargetPlugin final : public Plugin {
 public:
  TargetPlugin(std::string name, std::span<const Claim> claims, std::span<const Layout> layouts)
      : name_(std::move(name)), claims_(claims), layouts_(layouts) {}
  PluginInfo info() const override {
    return {.name = name_,
            .version = "1",
            .summary = "test target plugin",
            .claims = claims_,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 100};
  }
  std::span<const Layout> layouts() const override { return layouts_; }

 private:
  std::string name_;
  std::span<const Claim> claims_;
  std::span<const Layout> layouts_;
};

Registry registry() {
  return Registry::from_plugins(
      {std::make_shared<TargetPlugin>("hdr", kHeaderClaims, kHeaderLayouts),
       std::make_shared<TargetPlugin>("vendor-regs", kRegionClaims, kRegionLayouts)});
}

// A type 0 function without a capability list: Command 0x0006, Cache Line Size 0x10, and the
// vendor registers 0x40-0x4f holding 0x11111111 * (i + 1).
std::vector<std::uint8_t> image(bool reset) {
  std::vector<std::uint8_t> b(kConventionalSize, 0);
  const auto put = [&](std::size_t at, std::uint32_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
  };
  put(0x00, 0x12348086, 4);
  put(0x08, 0xff000001, 4);
  if (!reset) {
    put(0x04, 0x0006, 2);
    put(0x0c, 0x10, 1);
    for (unsigned i = 0; i < 4; ++i) {
      put(0x40 + 4 * i, 0x11111111U * (i + 1), 4);
    }
  }
  return b;
}

TEST(Targets, HeaderAndRegionPluginsSaveRestoreAtAbsoluteOffsets) {
  const Registry reg = registry();
  for (const PluginEntry& e : reg.entries()) {
    ASSERT_EQ(e.status, PluginStatus::loaded) << e.name << ": " << e.reason;
  }
  std::vector<std::uint8_t> writable(kConventionalSize, 0);
  std::fill(writable.begin() + 0x04, writable.begin() + 0x06, 0xff);
  writable[0x0c] = 0xff;
  std::fill(writable.begin() + 0x40, writable.begin() + 0x50, 0xff);
  const std::vector<std::uint8_t> w1c(kConventionalSize, 0);

  ModelSource before;
  before.add(kAddress, image(false), writable, w1c);
  Device saved_device = before.open(kAddress);
  SaveReport report;
  DeviceSection section = save_device(saved_device, reg, {}, report);
  ASSERT_EQ(section.records.size(), 2U);
  EXPECT_EQ(section.records[0].capability, (Capability{CapKind::header, 0, 0, 0}));
  EXPECT_EQ(section.records[0].plugin, "hdr");
  EXPECT_EQ(section.records[0].claim, "");
  EXPECT_EQ(section.records[1].capability, (Capability{CapKind::region, 0, 0x40, 0}));
  EXPECT_EQ(section.records[1].plugin, "vendor-regs");
  EXPECT_EQ(section.records[1].claim, "vendor 0x8086");

  // Through the state file (envelope version 2: header and region kinds, claims).
  StateFile file;
  file.devices.push_back(section);
  const StateFile back = decode_state(encode_state(file), "targets.cst");
  ASSERT_EQ(back.devices.size(), 1U);
  EXPECT_EQ(back.devices[0], section);

  ModelSource after;
  after.add(kAddress, image(true), writable, w1c);
  Device device = after.open(kAddress);
  const DevicePlan plan = plan_restore(device, back.devices[0], reg, {});
  std::vector<std::string> writes;
  for (const PlannedWrite& w : plan.writes) {
    if (w.write) {
      writes.push_back(w.name + "@" + std::to_string(w.offset));
    }
  }
  EXPECT_THAT(writes, ElementsAre("cache_line_size@12", "command@4", "reg[0].value@64",
                                  "reg[1].value@68", "reg[2].value@72", "reg[3].value@76"));
  const ApplyResult result = apply_plan(device, plan, true);
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
  const auto bytes = after.bytes(kAddress);
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), image(false));
}

TEST(Targets, ARegionClaimTakesOnlyItsVendorsDevices) {
  const Registry reg = registry();
  std::vector<std::uint8_t> other = image(false);
  other[0] = 0xde;  // vendor 0x80de
  ModelSource source;
  source.add(kAddress, other);
  Device device = source.open(kAddress);
  SaveReport report;
  const DeviceSection section = save_device(device, reg, {}, report);
  ASSERT_EQ(section.records.size(), 1U);
  EXPECT_EQ(section.records[0].plugin, "hdr");
}

}  // namespace
}  // namespace capstate::core
