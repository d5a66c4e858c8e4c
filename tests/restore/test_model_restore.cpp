// Restores into model devices: masks honoured, only differing registers written, exact counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "restore_fixture.hpp"
#include "test_plugins.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::uint8_t> as_vector(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

// Bits the model makes read-only keep their value even though the plugin's mask covers them;
// verification then reports the registers that could not take the saved value.
TEST(RestoreModel, ReadOnlyBitsOfTheModelAreNeverDisturbed) {
  const Registry registry = shipped();
  PortValues saved_values;
  saved_values.rtctl = 0x001f;  // CRS software visibility enabled on the saving port
  const DeviceSection saved = save_image(port_image(saved_values), {}, registry);
  PortValues now = reset_values();
  now.devctl = 0x5000;  // MRRS hard-wired to 4096 on this device
  Image image = port_image(now);
  image.rw(kDevCtl, Width::word, 0x00ff);  // narrower than the plugin's 0x7fff
  image.rw(kRtCtl, Width::word, 0x000f);   // CRS visibility (0x0010) not implemented
  ModelSource source;
  add_device(source, kPort, image, {});
  Device device = source.open(kPort);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_EQ(value_at(source.bytes(kPort), kDevCtl, Width::word), 0x501fU);
  EXPECT_EQ(value_at(source.bytes(kPort), kRtCtl, Width::word), 0x000fU);
  EXPECT_EQ(value_at(source.bytes(kPort), kSltCtl, Width::word), 0x1028U);
  EXPECT_THAT(result.mismatches, ElementsAre(HasSubstr("pcie device_control at 0x048"),
                                             HasSubstr("pcie root_control at 0x05c")));
}

// Link Disable (0x0010) is outside the plugin's mask: never set from the file, never cleared.
TEST(RestoreModel, BitsOutsideThePluginMaskKeepTheirCurrentValue) {
  const Registry registry = shipped();
  PortValues saved_values;
  saved_values.lnkctl = 0x0053;  // link was disabled while saving
  const DeviceSection saved = save_image(port_image(saved_values), {}, registry);
  PortValues now = saved_values;
  now.lnkctl = 0x0000;
  ModelSource source;
  add_device(source, kPort, port_image(now), {});
  Device device = source.open(kPort);
  core::apply_plan(device, core::plan_restore(device, saved, registry, {}), true);
  EXPECT_EQ(value_at(source.bytes(kPort), kLnkCtl, Width::word), 0x0043U);

  // And a set Link Disable bit on the device survives a restore of a file without it.
  const DeviceSection saved_clear = save_image(port_image({}), {}, registry);
  now.lnkctl = 0x0010;
  ModelSource source2;
  add_device(source2, kPort, port_image(now), {});
  Device device2 = source2.open(kPort);
  core::apply_plan(device2, core::plan_restore(device2, saved_clear, registry, {}), true);
  EXPECT_EQ(value_at(source2.bytes(kPort), kLnkCtl, Width::word), 0x0053U);
}

// The status bit is set on the device and clear in the file: restore writes it as 0, so the
// model keeps it set (the plugin never asked to clear it).
TEST(RestoreModel, W1cStatusBitsAreNeverWrittenAsOne) {
  const Registry registry = Registry::from_plugins({std::make_shared<StatusPlugin>()});
  const DeviceSection saved = save_image(endpoint_image(0x000100a5, 0, 0), {}, registry,
                                         kEndpoint);  // saved while the status bit was set too
  ModelSource source;
  add_device(source, kEndpoint, endpoint_image(0x00010000, 0, 0), {});
  Device device = source.open(kEndpoint);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  ASSERT_EQ(plan.writes.size(), 1U);
  const core::PlannedWrite& w = plan.writes[0];
  EXPECT_EQ(w.name, "control_status");
  EXPECT_EQ(w.offset, kStatusCap + 4U);
  EXPECT_EQ(w.mask, 0x0000ffffU);
  EXPECT_EQ(w.w1c, 0x00010000U);
  EXPECT_EQ(w.current, 0x00010000U);
  EXPECT_EQ(w.value, 0x000000a5U);  // bit 16 written as 0
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_EQ(value_at(source.bytes(kEndpoint), kStatusCap + 4, Width::dword), 0x000100a5U);
  EXPECT_THAT(result.mismatches, IsEmpty());
  EXPECT_EQ(source.counts(kEndpoint).writes[2], 1U);
}

// A W1C bit alone never makes a register differ.
TEST(RestoreModel, W1cBitAloneIsNotADifference) {
  const Registry registry = Registry::from_plugins({std::make_shared<StatusPlugin>()});
  const DeviceSection saved = save_image(endpoint_image(0x000000a5, 0, 0), {}, registry, kEndpoint);
  ModelSource source;
  add_device(source, kEndpoint, endpoint_image(0x000100a5, 0, 0), {});
  Device device = source.open(kEndpoint);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  ASSERT_EQ(plan.writes.size(), 1U);
  EXPECT_FALSE(plan.writes[0].write);
  core::apply_plan(device, plan, true);
  EXPECT_EQ(source.counts(kEndpoint).total_writes(), 0U);
}

// Device Control and the LTR latencies differ; nothing else is written.
TEST(RestoreModel, OnlyDifferingRegistersAreWrittenAndVerified) {
  const Registry registry = shipped();
  const Image saved_image = port_image({});
  const DeviceSection saved = save_image(saved_image, {}, registry);
  PortValues now;
  now.devctl = 0x2000;
  now.ltr = 0x00001046;
  ModelSource source;
  add_device(source, kPort, port_image(now), {});
  Device device = source.open(kPort);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  const AccessCounts planned = source.counts(kPort);
  EXPECT_EQ(planned.total_writes(), 0U);
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  const AccessCounts after = source.counts(kPort);
  EXPECT_THAT(by_width(after.writes), ElementsAre(0U, 1U, 1U));  // DEVCTL word, LTR dword
  EXPECT_EQ(result.written, 2U);
  // Verification reads back exactly the two written registers, once each.
  EXPECT_EQ(result.verified, 2U);
  EXPECT_EQ(after.reads[0] - planned.reads[0], 0U);
  EXPECT_EQ(after.reads[1] - planned.reads[1], 1U);
  EXPECT_EQ(after.reads[2] - planned.reads[2], 1U);
  EXPECT_THAT(result.mismatches, IsEmpty());
  EXPECT_EQ(as_vector(source.bytes(kPort)), saved_image.bytes);
}

// Saving and restoring into an identical port: identity + discovery + each distinct register.
TEST(RestoreModel, RestoreThatChangesNothingReadsOnlyWhatItNeeds) {
  const Registry registry = shipped();
  const Image image = port_image({});
  const DeviceSection saved = save_image(image, {}, registry);
  ASSERT_EQ(saved.records.size(), 3U);
  ModelSource source;
  add_device(source, kPort, image, {});
  Device device = source.open(kPort);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_EQ(result.written, 0U);
  EXPECT_EQ(result.verified, 0U);
  const AccessCounts counts = source.counts(kPort);
  EXPECT_EQ(counts.total_writes(), 0U);
  // 8-bit:  identity header type 0x0e; discovery header type 0x0e and pointer 0x34.
  // 16-bit: discovery status 0x06 and two standard entries (0x40, 0x80); pcie flags 0x42 and
  //         six control registers; msix message_control (no table saved).
  // 32-bit: identity 0x00 and 0x08; discovery header 0x100; ltr latencies 0x104; msix
  //         table_location (must match the saved one).
  EXPECT_THAT(by_width(counts.reads), ElementsAre(1U + 2U, 3U + 7U + 1U, 2U + 1U + 1U + 1U));
  EXPECT_EQ(source.bar_counts(kPort).total_reads(), 0U);
  EXPECT_EQ(as_vector(source.bytes(kPort)), image.bytes);
}

}  // namespace
}  // namespace capstate::restoretest
