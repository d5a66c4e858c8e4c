// A plugin that is data only: MSI (standard capability 0x05) with its 32- and 64-bit forms as
// variants that share bytes, must-match identity bits, and the guard on sequence writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "engine/plugin_call.hpp"
#include "registry/metadata_check.hpp"
#include "restore/apply_plan.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::HasSubstr;

constexpr std::uint16_t kMsi = 0x50;  // MSI capability offset in the test image
constexpr std::uint32_t kEnable = 0x0001;
constexpr std::uint32_t kMme = 0x0070;      // Multiple Message Enable
constexpr std::uint32_t kMmc = 0x000e;      // Multiple Message Capable (read-only)
constexpr std::uint32_t k64Bit = 0x0080;    // 64-bit address capable (read-only)
constexpr std::uint32_t kMasking = 0x0100;  // per-vector masking capable (read-only)

constexpr Condition kIs64{.test = capstate::Test::any_bit_set, .offset = 0x02, .mask = k64Bit};
constexpr Condition kIs32{
    .test = capstate::Test::equals, .offset = 0x02, .mask = k64Bit, .operand = 0};
constexpr Condition kMasks{.test = capstate::Test::any_bit_set, .offset = 0x02, .mask = kMasking};

// clang-format off
constexpr std::array<Field, 7> kMsiFields{{
    // Message Control last (phase 20): Enable only once address and data are in place.
    {.name = "address_lo", .offset = 0x04, .width = Width::dword, .writable = 0xfffffffc, .verify = 0xfffffffc},
    {.name = "address_hi", .offset = 0x08, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kIs64}}},
    {.name = "data_32", .offset = 0x08, .width = Width::word, .writable = 0xffff, .verify = 0xffff, .presence = {.all_of = {kIs32}}},
    {.name = "data_64", .offset = 0x0c, .width = Width::word, .writable = 0xffff, .verify = 0xffff, .presence = {.all_of = {kIs64}}},
    {.name = "mask_32", .offset = 0x0c, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kIs32, kMasks}}},
    {.name = "mask_64", .offset = 0x10, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kIs64, kMasks}}},
    {.name = "message_control", .offset = 0x02, .width = Width::word, .writable = kEnable | kMme, .verify = kEnable | kMme, .phase = 20, .must_match = k64Bit | kMasking | kMmc},
}};
// clang-format on

constexpr std::array<Layout, 1> kMsiLayouts{{{.schema_version = 1, .fields = kMsiFields}}};
constexpr std::array<Claim, 1> kMsiHandles{{{.kind = CapKind::standard, .id = 0x05}}};

/// MSI with no code at all: the default restore sequence writes the fields in phase order.
class DataMsiPlugin : public Plugin {
 public:
  PluginInfo info() const override {
    return {.name = "msi-data",
            .version = "1",
            .summary = "MSI as data",
            .claims = kMsiHandles,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 10};
  }
  std::span<const Layout> layouts() const override { return kMsiLayouts; }
};

/// A plugin whose sequence writes a bit its layout does not declare writable.
class OverreachingPlugin : public DataMsiPlugin {
 public:
  void restore_sequence(const RestoreContext&, RestoreSequence& seq) const override {
    const std::uint32_t now = seq.read_config(0x02, Width::word);
    seq.write({.name = "message_control (sneaky)",
               .offset = 0x02,
               .width = Width::word,
               .value = now | 0x0200,  // a reserved bit
               .always = true});
    seq.fields(false);
  }
};

/// A device with MSI at 0x50; `control` gives its read-only capability bits and its state.
Image msi_image(std::uint16_t control, std::uint32_t addr_lo, std::uint32_t addr_hi,
                std::uint16_t data, std::uint32_t mask) {
  Image im;
  im.set(0x00, Width::dword, 0x12348086);
  im.set(0x08, Width::dword, 0x01080200);
  im.set(0x06, Width::word, 0x0010);  // capability list
  im.set(0x34, Width::byte, kMsi);
  im.set(kMsi, Width::word, 0x0005);  // ID 5, next 0
  im.set(kMsi + 0x02, Width::word, control);
  im.rw(kMsi + 0x02, Width::word, kEnable | kMme);
  im.set(kMsi + 0x04, Width::dword, addr_lo);
  im.rw(kMsi + 0x04, Width::dword, 0xfffffffc);
  if ((control & k64Bit) != 0) {
    im.set(kMsi + 0x08, Width::dword, addr_hi);
    im.rw(kMsi + 0x08, Width::dword, 0xffffffff);
    im.set(kMsi + 0x0c, Width::word, data);
    im.rw(kMsi + 0x0c, Width::word, 0xffff);
    im.set(kMsi + 0x10, Width::dword, mask);
    im.rw(kMsi + 0x10, Width::dword, (control & kMasking) != 0 ? 0xffffffff : 0);
  } else {
    im.set(kMsi + 0x08, Width::word, data);
    im.rw(kMsi + 0x08, Width::word, 0xffff);
    im.set(kMsi + 0x0c, Width::dword, mask);
    im.rw(kMsi + 0x0c, Width::dword, (control & kMasking) != 0 ? 0xffffffff : 0);
  }
  return im;
}

std::uint32_t read(Device& d, std::uint16_t offset, Width w) {
  return d.config->read(offset, w);
}

TEST(DataPlugin, MsiVariantsValidate) {
  DataMsiPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

TEST(DataPlugin, Msi64BitSavesAndRestoresWithEnableLast) {
  const Registry registry = Registry::from_plugins({std::make_shared<DataMsiPlugin>()});
  const std::uint16_t caps = k64Bit | kMasking | 0x0004;  // 64-bit, masking, 4 vectors capable
  const DeviceSection saved =
      save_image(msi_image(caps | kEnable | 0x0020, 0xfee01000, 0x1, 0x4041, 0x6), {}, registry);
  ASSERT_EQ(saved.records.size(), 1U);
  // The device after a reset: MSI off, address and data gone.
  ModelSource source;
  add_device(source, kPort, msi_image(caps, 0, 0, 0, 0), {});
  Device device = source.open(kPort);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  std::vector<std::string> order;
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.write) {
      order.push_back(w.name);
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"address_lo", "address_hi", "data_64", "mask_64",
                                             "message_control"}));
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
  EXPECT_EQ(read(device, kMsi + 0x02, Width::word), caps | kEnable | 0x0020U);
  EXPECT_EQ(read(device, kMsi + 0x04, Width::dword), 0xfee01000U);
  EXPECT_EQ(read(device, kMsi + 0x08, Width::dword), 0x1U);
  EXPECT_EQ(read(device, kMsi + 0x0c, Width::word), 0x4041U);
  EXPECT_EQ(read(device, kMsi + 0x10, Width::dword), 0x6U);
}

TEST(DataPlugin, Msi32BitPutsDataWhereThe64BitFormHasTheUpperAddress) {
  const Registry registry = Registry::from_plugins({std::make_shared<DataMsiPlugin>()});
  const std::uint16_t caps = 0x0000;  // 32-bit, no masking, one vector
  const DeviceSection saved =
      save_image(msi_image(caps | kEnable, 0xfee02000, 0, 0x4042, 0), {}, registry);
  ModelSource source;
  add_device(source, kPort, msi_image(caps, 0, 0, 0, 0), {});
  Device device = source.open(kPort);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  std::vector<std::string> order;
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.write) {
      order.push_back(w.name);
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"address_lo", "data_32", "message_control"}));
  core::apply_plan(device, plan, true);
  EXPECT_EQ(read(device, kMsi + 0x08, Width::word), 0x4042U);
  EXPECT_EQ(read(device, kMsi + 0x02, Width::word), kEnable);
}

TEST(DataPlugin, MustMatchRefusesTheCapabilityBeforeAnyWrite) {
  const Registry registry = Registry::from_plugins({std::make_shared<DataMsiPlugin>()});
  const DeviceSection saved =
      save_image(msi_image(k64Bit | kEnable, 0xfee01000, 0, 0x4041, 0), {}, registry);
  ModelSource source;
  add_device(source, kPort, msi_image(0x0000, 0, 0, 0, 0), {});  // now 32-bit only
  Device device = source.open(kPort);
  EXPECT_THAT([&] { core::plan_restore(device, saved, registry, {}); },
              ::testing::ThrowsMessage<core::RestoreRefused>(::testing::AllOf(
                  HasSubstr("field 'message_control' at 0x052 identifies the capability"),
                  HasSubstr("holds 0x0 in its bits 0x18e where 0x80 was saved"),
                  HasSubstr("nothing was written"))));
  EXPECT_EQ(device.config->counts().total_writes(), 0U);
}

TEST(DataPlugin, SequenceWritesBeyondTheLayoutAreRefusedNamingThePlugin) {
  const Registry registry = Registry::from_plugins({std::make_shared<OverreachingPlugin>()});
  const DeviceSection saved =
      save_image(msi_image(kEnable, 0xfee02000, 0, 0x4042, 0), {}, registry);
  ModelSource source;
  add_device(source, kPort, msi_image(0, 0, 0, 0, 0), {});
  Device device = source.open(kPort);
  EXPECT_THAT([&] { core::plan_restore(device, saved, registry, {}); },
              ::testing::ThrowsMessage<core::PluginFailure>(
                  ::testing::AllOf(HasSubstr("msi-data"), HasSubstr("changes bits 0x200"),
                                   HasSubstr("neither writable nor transient"))));
  EXPECT_EQ(device.config->counts().total_writes(), 0U);
}

}  // namespace
}  // namespace capstate::restoretest
