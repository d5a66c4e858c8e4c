// The SDK's restore steps beyond plain field writes: a delay after a write, a write that resets
// the function (every later write is then made), write-1-to-clear bits in sequence writes, one
// field by name, retries of a write that does not stick, and a plugin's own refusal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "engine/plugin_call.hpp"
#include "restore/apply_plan.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr std::uint16_t kPower = 0x40;    // a PM-like capability (ID 0x01)
constexpr std::uint32_t kState = 0x0003;  // transient: only ever set to 0 by a step
constexpr std::uint32_t kEnableBit = 0x0100;
constexpr std::uint32_t kStatusBit = 0x8000;  // write-1-to-clear

// clang-format off
constexpr std::array<Field, 1> kPowerFields{{
    {.name = "control", .offset = 0x04, .width = Width::word, .writable = kEnableBit, .w1c = kStatusBit, .verify = kEnableBit, .transient = kState},
}};
constexpr std::array<Field, 2> kHeaderFields{{
    {.name = "cache_line_size", .offset = 0x0c, .width = Width::byte, .writable = 0xff, .verify = 0xff},
    {.name = "bar0", .offset = 0x10, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .retries = 3},
}};
// clang-format on
constexpr std::array<Layout, 1> kPowerLayouts{{{.schema_version = 1, .fields = kPowerFields}}};
constexpr std::array<Layout, 1> kHeaderLayouts{{{.schema_version = 1, .fields = kHeaderFields}}};
constexpr std::array<Claim, 1> kPowerClaims{{{.kind = CapKind::standard, .id = 0x01}}};
constexpr std::array<Claim, 1> kHeaderClaims{{{.kind = CapKind::header}}};

/// What the power plugin's sequence does, per test.
enum class Step {
  to_d0_and_reset,
  delay_first,
  unknown_field,
  refuse,
  wait_done,
  wait_never,
  wait_bad
};

class PowerPlugin : public Plugin {
 public:
  explicit PowerPlugin(Step step) : step_(step) {}
  PluginInfo info() const override {
    return {.name = "power",
            .version = "1",
            .summary = "test",
            .claims = kPowerClaims,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 10};
  }
  std::span<const Layout> layouts() const override { return kPowerLayouts; }
  void restore_sequence(const RestoreContext&, RestoreSequence& seq) const override {
    const std::uint32_t now = seq.read_config(0x04, Width::word);
    switch (step_) {
      case Step::to_d0_and_reset:
        // Keeps the live status bit 1 in the request: it must still be written as 0.
        seq.write({.name = "control (to D0)",
                   .offset = 0x04,
                   .width = Width::word,
                   .value = now & ~kState});
        seq.delay(10'000);
        seq.resets_function();
        seq.field("control", false);
        return;
      case Step::delay_first:
        seq.delay(10);
        return;
      case Step::unknown_field:
        seq.field("no_such_field", false);
        return;
      case Step::refuse:
        throw Refusal("the kernel moved BAR 0");
      case Step::wait_done:
      case Step::wait_never:
      case Step::wait_bad:
        // Sets the enable bit, then waits for it (done at once) or for a read-only bit that
        // never comes, or asks for a value outside its mask.
        seq.write({.name = "control (load)",
                   .offset = 0x04,
                   .width = Width::word,
                   .value = (now | kEnableBit) & ~kStatusBit,
                   .always = true});
        seq.wait_until({.name = "load done",
                        .offset = 0x04,
                        .width = Width::word,
                        .mask = step_ == Step::wait_done ? kEnableBit : 0x0200,
                        .value = step_ == Step::wait_bad    ? 0x0400U
                                 : step_ == Step::wait_done ? kEnableBit
                                                            : 0x0200U,
                        .timeout_us = 3000});
        return;
    }
  }

 private:
  Step step_;
};

class HeaderPlugin : public Plugin {
 public:
  PluginInfo info() const override {
    return {.name = "hdr",
            .version = "1",
            .summary = "test",
            .claims = kHeaderClaims,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 20};
  }
  std::span<const Layout> layouts() const override { return kHeaderLayouts; }
};

Image image(std::uint16_t control) {
  Image im;
  im.set(0x00, Width::dword, 0x12348086);
  im.set(0x06, Width::word, 0x0010);
  im.set(0x08, Width::dword, 0x02000000);
  im.set(0x0c, Width::byte, 0x10);
  im.rw(0x0c, Width::byte, 0xff);
  im.set(0x10, Width::dword, 0xfe000000);
  im.rw(0x10, Width::dword, 0xffffffff);
  im.set(0x34, Width::byte, kPower);
  im.set(kPower, Width::word, 0x0001);
  im.set(kPower + 4, Width::word, control);
  im.rw(kPower + 4, Width::word, kState | kEnableBit);
  im.clear_on_one(kPower + 4, Width::word, kStatusBit);
  return im;
}

std::vector<std::string> written(const DevicePlan& plan) {
  std::vector<std::string> out;
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.write) {
      out.push_back(w.name + "=" + std::to_string(w.value) + (w.forced ? " forced" : "") +
                    (w.delay_us != 0 ? " wait " + std::to_string(w.delay_us) : ""));
    }
  }
  return out;
}

TEST(SequenceSteps, AResetStepMakesEveryLaterWriteAndW1cBitsGoAsZero) {
  const Registry registry = Registry::from_plugins(
      {std::make_shared<PowerPlugin>(Step::to_d0_and_reset), std::make_shared<HeaderPlugin>()});
  const DeviceSection saved = save_image(image(kEnableBit), {}, registry);
  ModelSource source;
  // In D3hot with the status bit set; the header still holds the saved values.
  add_device(source, kPort, image(kStatusBit | 0x0003), {});
  Device device = source.open(kPort);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  EXPECT_THAT(written(plan),
              ::testing::ElementsAre("control (to D0)=0 wait 10000", "control=256 forced",
                                     "cache_line_size=16 forced", "bar0=4261412864 forced"));
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
  EXPECT_EQ(device.config->read(kPower + 4, Width::word), kStatusBit | kEnableBit);
}

TEST(SequenceSteps, WithoutAResetEqualRegistersAreLeftAlone) {
  const Registry registry = Registry::from_plugins({std::make_shared<HeaderPlugin>()});
  const DeviceSection saved = save_image(image(0), {}, registry);
  ModelSource source;
  add_device(source, kPort, image(0), {});
  Device device = source.open(kPort);
  EXPECT_THAT(written(core::plan_restore(device, saved, registry, {})), ::testing::IsEmpty());
}

TEST(SequenceSteps, ADelayBeforeAnyWriteIsAPluginFailure) {
  const Registry registry =
      Registry::from_plugins({std::make_shared<PowerPlugin>(Step::delay_first)});
  const DeviceSection saved = save_image(image(0), {}, registry);
  ModelSource source;
  add_device(source, kPort, image(0), {});
  Device device = source.open(kPort);
  EXPECT_THAT([&] { core::plan_restore(device, saved, registry, {}); },
              ::testing::ThrowsMessage<core::PluginFailure>(
                  AllOf(HasSubstr("power"), HasSubstr("delay was asked for before any write"))));
}

TEST(SequenceSteps, AnUnknownFieldIsAPluginFailure) {
  const Registry registry =
      Registry::from_plugins({std::make_shared<PowerPlugin>(Step::unknown_field)});
  const DeviceSection saved = save_image(image(0), {}, registry);
  ModelSource source;
  add_device(source, kPort, image(0), {});
  Device device = source.open(kPort);
  EXPECT_THAT([&] { core::plan_restore(device, saved, registry, {}); },
              ::testing::ThrowsMessage<core::PluginFailure>(
                  HasSubstr("field 'no_such_field' is not in the plugin's schema 1 layout")));
}

TEST(SequenceSteps, APluginRefusalRefusesTheDeviceWithNothingWritten) {
  const Registry registry = Registry::from_plugins({std::make_shared<PowerPlugin>(Step::refuse)});
  const DeviceSection saved = save_image(image(0), {}, registry);
  ModelSource source;
  add_device(source, kPort, image(0x0003), {});
  Device device = source.open(kPort);
  EXPECT_THAT([&] { core::plan_restore(device, saved, registry, {}); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  AllOf(HasSubstr("plugin 'power'"), HasSubstr("the kernel moved BAR 0"),
                        HasSubstr("nothing was written"))));
  EXPECT_EQ(device.config->counts().total_writes(), 0U);
}

// A BAR that ignores its first writes: written again (1 ms apart) until it sticks, within the
// field's retries.
class StubbornSpace : public core::CountedConfigSpace {
 public:
  StubbornSpace(std::unique_ptr<core::CountedConfigSpace> inner, int ignored)
      : inner_(std::move(inner)), ignored_(ignored) {}
  int bar_writes = 0;
  std::uint16_t size() const override { return inner_->size(); }
  std::string device_name() const override { return inner_->device_name(); }

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override {
    return inner_->read(offset, width);
  }
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override {
    if (offset == 0x10 && ++bar_writes <= ignored_) {
      return;
    }
    inner_->write(offset, width, value);
  }

 private:
  std::unique_ptr<core::CountedConfigSpace> inner_;
  int ignored_;
};

std::pair<int, std::size_t> stubborn_restore(int ignored) {
  const Registry registry = Registry::from_plugins({std::make_shared<HeaderPlugin>()});
  const DeviceSection saved = save_image(image(0), {}, registry);
  Image reset = image(0);
  reset.set(0x10, Width::dword, 0);
  ModelSource source;
  add_device(source, kPort, reset, {});
  Device device = source.open(kPort);
  auto stubborn = std::make_unique<StubbornSpace>(std::move(device.config), ignored);
  StubbornSpace* space = stubborn.get();
  device.config = std::move(stubborn);
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  const std::size_t mismatches = core::apply_plan(device, plan, true).mismatches.size();
  return {space->bar_writes, mismatches};
}

TEST(SequenceSteps, ABarThatDoesNotStickIsWrittenAgain) {
  EXPECT_EQ(stubborn_restore(0), std::make_pair(1, std::size_t{0}));
  EXPECT_EQ(stubborn_restore(2), std::make_pair(3, std::size_t{0}));
  // More ignored writes than retries: 1 + 3 writes, and verify reports it.
  EXPECT_EQ(stubborn_restore(10), std::make_pair(4, std::size_t{1}));
}

// The BAR writes of a plan on a port whose Command is `command` and whose MSI-X table already
// holds the saved entries: "written forced" per write.
std::vector<std::string> table_writes(std::uint16_t command) {
  const Registry registry = shipped();
  const DeviceSection saved = save_image(port_image({}), saved_table(), registry);
  Image now = port_image({});
  now.set(0x04, Width::word, command);
  ModelSource source;
  add_device(source, kPort, now, saved_table());
  Device device = source.open(kPort);
  std::vector<std::string> out;
  for (const core::PlannedWrite& w : core::plan_restore(device, saved, registry, {}).writes) {
    if (w.target == Target::bar && w.write) {
      out.push_back(w.name + (w.forced ? " forced" : ""));
    }
  }
  return out;
}

// With memory decode off (after a reset) BAR reads are not the device's registers: every table
// entry is written although the reads matched. With decode on, nothing to write.
TEST(SequenceSteps, BarMemoryReadWithDecodeOffIsWrittenAnyway) {
  const std::vector<std::string> off = table_writes(0x0000);
  EXPECT_EQ(off.size(), saved_table().size() * 4);
  EXPECT_THAT(off, ::testing::Each(::testing::EndsWith(" forced")));
  EXPECT_THAT(table_writes(0x0006), ::testing::IsEmpty());
}

}  // namespace
}  // namespace capstate::restoretest

namespace capstate::restoretest {
namespace {

std::pair<DevicePlan, core::ApplyResult> wait_restore(Step step) {
  const Registry registry = Registry::from_plugins({std::make_shared<PowerPlugin>(step)});
  const DeviceSection saved = save_image(image(0), {}, registry);
  ModelSource source;
  add_device(source, kPort, image(0), {});
  Device device = source.open(kPort);
  DevicePlan plan = core::plan_restore(device, saved, registry, {});
  core::ApplyResult result = core::apply_plan(device, plan, true);
  return {std::move(plan), std::move(result)};
}

// A wait whose condition holds after the write: attached to that write, nothing reported.
TEST(SequenceSteps, AWaitThatIsMetReportsNothing) {
  const auto [plan, result] = wait_restore(Step::wait_done);
  ASSERT_EQ(plan.writes.size(), 1U);
  ASSERT_TRUE(plan.writes[0].wait.has_value());
  EXPECT_EQ(plan.writes[0].wait->offset, kPower + 4);
  EXPECT_EQ(plan.writes[0].wait->mask, kEnableBit);
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
}

// A condition that never holds: polled until the timeout, then reported with what was read, and
// the restore goes on.
TEST(SequenceSteps, AWaitThatTimesOutIsReportedAndTheRestoreGoesOn) {
  const auto [plan, result] = wait_restore(Step::wait_never);
  EXPECT_EQ(result.written, 1U);
  ASSERT_EQ(result.mismatches.size(), 1U);
  EXPECT_THAT(result.mismatches[0], AllOf(HasSubstr("load done did not happen within 3000 us"),
                                          HasSubstr("0x044 & 0x200 reads 0x0, expected 0x200"),
                                          HasSubstr("restore went on")));
}

// A value outside its mask is a broken plugin.
TEST(SequenceSteps, AMalformedWaitIsAPluginFailure) {
  EXPECT_THAT([] { wait_restore(Step::wait_bad); },
              ::testing::ThrowsMessage<core::PluginFailure>(AllOf(
                  HasSubstr("power"), HasSubstr("wait 'load done'"), HasSubstr("is malformed"))));
}

}  // namespace
}  // namespace capstate::restoretest
