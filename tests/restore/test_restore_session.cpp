// run_restore(): the whole restore flow called as a library, without the command line: dry runs
// that write nothing, restores that write and verify, per-device policy passed in explicitly, the
// output copy, and the order in which an observer hears about each step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "backends/dump_source.hpp"
#include "dispatch/save_state.hpp"
#include "policy/policy.hpp"
#include "restore/restore_session.hpp"
#include "restore_fixture.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

namespace fs = std::filesystem;

// The LTR test endpoint of tests/data/ltr: LTR capability at 0x148, latencies at 0x14c/0x14e
// (one dword register for the plugin).
const PciAddress kLtrEndpoint{0, 0x01, 0x00, 0};
constexpr std::uint16_t kSnoop = 0x14c;
constexpr std::uint16_t kNoSnoop = 0x14e;

std::vector<std::uint8_t> as_bytes(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

std::string ltr_dump() {
  return std::string(CAPSTATE_TEST_DATA_DIR) + "/ltr/ltr-endpoint.xxxx.txt";
}

// The endpoint's dump saved with the shipped plugins, then its LTR latencies cleared in memory,
// so a restore has exactly those registers to write back.
class DumpRestore : public ::testing::Test {
 protected:
  void SetUp() override {
    core::SaveReport report;
    file_ = core::save_state(source_, {kLtrEndpoint}, registry_, {}, report);
    ASSERT_THAT(file_.devices, SizeIs(1));
    original_text_ = source_.dump_text();
    ASSERT_EQ(value_at(source_.bytes(kLtrEndpoint), kSnoop, Width::word), 0x0846U);
    ASSERT_EQ(value_at(source_.bytes(kLtrEndpoint), kNoSnoop, Width::word), 0x0c0fU);
    {
      Device device = source_.open(kLtrEndpoint);
      device.config->write(kSnoop, Width::word, 0x0000);
      device.config->write(kNoSnoop, Width::word, 0x0000);
    }
    clobbered_text_ = source_.dump_text();
    ASSERT_NE(clobbered_text_, original_text_);
  }

  // A request for the clobbered dump with the built-in policy and the shipped plugins.
  core::RestoreRequest request(core::RestoreMode mode) {
    core::RestoreRequest r;
    r.source = &source_;
    r.file = &file_;
    r.policy = &policy_;
    r.registry = &registry_;
    r.mode = mode;
    return r;
  }

  testsupport::TempDir tmp_;
  Registry registry_ = shipped();
  core::Policy policy_ = core::default_policy();
  core::DumpSource source_{ltr_dump()};
  core::StateFile file_;
  std::string original_text_;
  std::string clobbered_text_;
};

TEST_F(DumpRestore, DryRunReturnsThePlanAndWritesNothing) {
  const std::uint64_t writes_before = source_.counts(kLtrEndpoint).total_writes();
  core::RestoreRequest r = request(core::RestoreMode::dry_run);
  r.output_copy = tmp_ / "never-written.txt";
  const core::RestoreOutcome outcome = core::run_restore(r);

  EXPECT_FALSE(outcome.applied);
  ASSERT_THAT(outcome.devices, SizeIs(1));
  const core::DevicePlan& plan = outcome.devices[0].plan;
  EXPECT_EQ(plan.address, kLtrEndpoint);
  EXPECT_FALSE(plan.excluded);
  EXPECT_THAT(plan.left_out, IsEmpty());
  // Exactly the cleared latency register is to be written, back to its saved value.
  std::vector<const core::PlannedWrite*> written;
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.write) {
      written.push_back(&w);
    }
  }
  ASSERT_THAT(written, SizeIs(1));
  EXPECT_EQ(written[0]->plugin, "ltr");
  EXPECT_EQ(written[0]->offset, kSnoop);
  EXPECT_EQ(written[0]->width, Width::dword);
  EXPECT_EQ(written[0]->current, 0x00000000U);
  EXPECT_EQ(written[0]->value, 0x0c0f0846U);
  // Nothing written: no device write, no output copy, no undo file, zero counts.
  EXPECT_EQ(source_.counts(kLtrEndpoint).total_writes(), writes_before);
  EXPECT_EQ(source_.dump_text(), clobbered_text_);
  EXPECT_FALSE(fs::exists(tmp_ / "never-written.txt"));
  EXPECT_TRUE(outcome.undo_file.empty());
  EXPECT_EQ(outcome.written(), 0U);
  EXPECT_EQ(outcome.verified(), 0U);
  EXPECT_EQ(outcome.mismatches(), 0U);
}

TEST_F(DumpRestore, ApplyWritesVerifiesAndWritesTheOutputCopy) {
  core::RestoreRequest r = request(core::RestoreMode::apply);
  r.output_copy = tmp_ / "restored.txt";
  const core::RestoreOutcome outcome = core::run_restore(r);

  EXPECT_TRUE(outcome.applied);
  ASSERT_THAT(outcome.devices, SizeIs(1));
  EXPECT_TRUE(outcome.devices[0].verify);
  EXPECT_EQ(outcome.written(), 1U);
  EXPECT_EQ(outcome.verified(), 1U);
  EXPECT_EQ(outcome.mismatches(), 0U);
  EXPECT_EQ(outcome.devices_with_mismatches(), 0U);
  EXPECT_EQ(outcome.left_out(), 0U);
  EXPECT_EQ(value_at(source_.bytes(kLtrEndpoint), kSnoop, Width::word), 0x0846U);
  EXPECT_EQ(value_at(source_.bytes(kLtrEndpoint), kNoSnoop, Width::word), 0x0c0fU);
  // The copy is the dump as it was saved, byte for byte; a dump never gets an undo file.
  EXPECT_EQ(source_.dump_text(), original_text_);
  EXPECT_EQ(testsupport::read_text(tmp_ / "restored.txt"), original_text_);
  EXPECT_TRUE(outcome.undo_file.empty());
  EXPECT_THAT(outcome.no_undo_reason, HasSubstr("never change their input file"));
}

TEST_F(DumpRestore, PolicyPassedInDecidesVerification) {
  core::merge_policy_text(policy_, "[[device]]\nmatch = \"0000:01:00.0\"\nverify = false\n",
                          "test.toml");
  core::RestoreRequest r = request(core::RestoreMode::apply);
  const core::RestoreOutcome outcome = core::run_restore(r);
  ASSERT_THAT(outcome.devices, SizeIs(1));
  EXPECT_FALSE(outcome.devices[0].verify);
  EXPECT_EQ(outcome.written(), 1U);
  EXPECT_EQ(outcome.verified(), 0U);
  EXPECT_EQ(source_.dump_text(), original_text_);
}

TEST_F(DumpRestore, ASelectionOutsideTheFileIsRefusedBeforeAnyWrite) {
  const std::uint64_t writes_before = source_.counts(kLtrEndpoint).total_writes();
  core::RestoreRequest r = request(core::RestoreMode::apply);
  r.only = {PciAddress{0, 0x09, 0x00, 0}};
  EXPECT_THAT([&] { core::run_restore(r); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("no device of the state file matches the selection; nothing was "
                            "written")));
  EXPECT_EQ(source_.counts(kLtrEndpoint).total_writes(), writes_before);
}

// Every event, in order, as one line each.
class RecordingObserver final : public core::RestoreObserver {
 public:
  void registry_loaded(const Registry&) override { events.push_back("registry"); }
  void stage_started(core::RestoreStage stage, std::size_t devices) override {
    events.push_back(std::string(core::to_string(stage)) + " " + std::to_string(devices));
  }
  void device_started(const PciAddress& address) override {
    events.push_back("device " + address.str());
  }
  void record_skipped(const std::string& line) override { events.push_back("skipped " + line); }
  void stage_finished() override { events.push_back("finished"); }
  void planned(const DevicePlan& plan) override {
    events.push_back("planned " + plan.address.str() + " " + std::to_string(plan.writes.size()));
  }
  void undo_file_saved(const std::filesystem::path&) override { events.push_back("undo"); }

  std::vector<std::string> events;
};

// Two ports restored from a model: every device is planned before the first write.
TEST(RestoreSession, ObserverHearsEveryDevicePlannedBeforeAnyIsWritten) {
  const Registry registry = shipped();
  const PciAddress second{0, 0x00, 0x1d, 0};
  core::StateFile file;
  file.devices.push_back(save_image(port_image({}), {}, registry, kPort));
  file.devices.push_back(save_image(port_image({}), {}, registry, second));
  ModelSource source;
  add_device(source, kPort, port_image(reset_values()), {});
  add_device(source, second, port_image(reset_values()), {});
  const core::Policy policy = core::default_policy();
  core::RestoreRequest r;
  r.source = &source;
  r.file = &file;
  r.policy = &policy;
  r.registry = &registry;
  RecordingObserver observer;
  const core::RestoreOutcome outcome = core::run_restore(r, observer);

  ASSERT_THAT(outcome.devices, SizeIs(2));
  const std::string planned_first =
      "planned 0000:00:1c.0 " + std::to_string(outcome.devices[0].plan.writes.size());
  const std::string planned_second =
      "planned 0000:00:1d.0 " + std::to_string(outcome.devices[1].plan.writes.size());
  EXPECT_THAT(observer.events,
              ElementsAre("planning 2", "device 0000:00:1c.0", "device 0000:00:1d.0", "finished",
                          planned_first, planned_second, "restoring 2", "device 0000:00:1c.0",
                          "device 0000:00:1d.0", "finished"));
  EXPECT_EQ(as_bytes(source.bytes(kPort)), port_image({}).bytes);
  EXPECT_EQ(as_bytes(source.bytes(second)), port_image({}).bytes);
  // Every write the plans marked was done, and what was read back matched.
  std::size_t marked = 0;
  for (const core::RestoredDevice& d : outcome.devices) {
    for (const core::PlannedWrite& w : d.plan.writes) {
      marked += w.write ? 1 : 0;
    }
    EXPECT_TRUE(d.verify);
  }
  EXPECT_EQ(outcome.written(), marked);
  EXPECT_GT(outcome.written(), 0U);
  EXPECT_GT(outcome.verified(), 0U);
  EXPECT_EQ(outcome.mismatches(), 0U);
}

// compare (a diff) plans under identity "none" and writes nothing; an output copy needs a dump or
// an image source.
TEST(RestoreSession, CompareWritesNothingAndAModelGetsNoOutputCopy) {
  const Registry registry = shipped();
  core::StateFile file;
  file.devices.push_back(save_image(port_image({}), {}, registry, kPort));
  ModelSource source;
  Image other = port_image(reset_values());
  other.set(0x00, Width::dword, 0x12345678);  // another vendor and device: identity differs
  add_device(source, kPort, other, {});
  const core::Policy policy = core::default_policy();
  core::RestoreRequest r;
  r.source = &source;
  r.file = &file;
  r.policy = &policy;
  r.registry = &registry;
  r.mode = core::RestoreMode::compare;
  RecordingObserver observer;
  const core::RestoreOutcome outcome = core::run_restore(r, observer);
  EXPECT_FALSE(outcome.applied);
  ASSERT_THAT(outcome.devices, SizeIs(1));
  EXPECT_FALSE(outcome.devices[0].plan.writes.empty());
  EXPECT_EQ(observer.events.front(), "comparing 1");
  EXPECT_EQ(source.counts(kPort).total_writes(), 0U);

  r.mode = core::RestoreMode::apply;  // the same request writing: identity exact refuses it
  EXPECT_THROW(core::run_restore(r), core::RestoreRefused);
  r.output_copy = "/nonexistent/copy.txt";
  EXPECT_THAT([&] { core::run_restore(r); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("works with lspci dump and config image sources only")));
  EXPECT_EQ(source.counts(kPort).total_writes(), 0U);
}

}  // namespace
}  // namespace capstate::restoretest
