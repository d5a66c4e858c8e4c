// What apply_plan reports when a written bit does not stick, or a write fails part-way.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "mock_spaces.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::ElementsAre;
using ::testing::NiceMock;
using ::testing::Return;

Registry pcie_only() {
  return Registry::from_plugins({std::make_shared<pcie::PciePlugin>()});
}

// The port after a reset, on a model where Device Control bit 0x0010 (relaxed ordering) is
// read-only.
Image reset_port_with_sticky_relaxed_ordering() {
  Image image = port_image(reset_values());
  image.rw(kDevCtl, Width::word, 0x7fef);
  return image;
}

// Device Control bit 0x0010 (relaxed ordering) is read-only on this model.
TEST(RestoreVerify, BitThatDoesNotStickIsReportedWithEverything) {
  PortRestore port(pcie_only(), reset_port_with_sticky_relaxed_ordering());
  const core::ApplyResult result = core::apply_plan(port.device, port.plan(), true);
  EXPECT_EQ(result.written, 6U);
  EXPECT_EQ(result.verified, 5U);
  EXPECT_THAT(result.mismatches,
              ElementsAre("0000:00:1c.0: pcie device_control at 0x048 (16-bit) (standard "
                          "capability 0x10 at 0x040): expected 0x201f, found 0x200f (verify "
                          "mask 0x7fff)"));
}

// Without verification nothing is read back and nothing is reported.
TEST(RestoreVerify, NoVerifyReadsNothingBack) {
  PortRestore port(pcie_only(), reset_port_with_sticky_relaxed_ordering());
  const DevicePlan plan = port.plan();
  const AccessCounts before = port.source.counts(kPort);
  const core::ApplyResult result = core::apply_plan(port.device, plan, false);
  EXPECT_EQ(port.source.counts(kPort).total_reads(), before.total_reads());
  EXPECT_EQ(result.verified, 0U);
  EXPECT_TRUE(result.mismatches.empty());
}

// A BAR dword that reads back differently is reported with its BAR and offset.
TEST(RestoreVerify, BarMismatchNamesBarAndOffset) {
  const Registry registry = Registry::from_plugins({std::make_shared<msix::MsixPlugin>()});
  const DeviceSection saved = save_image(port_image({}), saved_table(), registry);
  auto cfg = std::make_unique<NiceMock<MockConfigSpace>>(port_image({}).bytes, kPort.str());
  auto bars = std::make_unique<NiceMock<MockBarSpace>>(0x4000);
  NiceMock<MockBarSpace>* b = bars.get();
  Device device{kPort, std::move(cfg), std::move(bars), {}, {}};
  const DevicePlan plan = core::plan_restore(device, saved, registry, {});
  // The table reads as all zero; the read-back of vector[2].data returns a stale value.
  EXPECT_CALL(*b, read32(_, _)).Times(AnyNumber());
  EXPECT_CALL(*b, read32(0, kTable + 0x28)).WillRepeatedly(Return(0x00004000));
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_THAT(result.mismatches,
              ElementsAre("0000:00:1c.0: msix vector[2].data at BAR 0 offset 0x2028 (32-bit) "
                          "(standard capability 0x11 at 0x080): expected 0x00004022, found "
                          "0x00004000 (verify mask 0xffffffff)"));
}

// The third write fails: the error lists the two done and the four not done, in order.
TEST(RestoreWriteFailure, ErrorListsDoneAndNotDoneWrites) {
  PortRestore port(pcie_only(), port_image(reset_values()));
  Device device{
      kPort, std::make_unique<FailingConfigSpace>(*port.device.config, 3), nullptr, {}, {}};
  const DevicePlan plan = core::plan_restore(device, port.saved, port.registry, {});
  std::string text = "(no error)";
  try {
    core::apply_plan(device, plan, true);
  } catch (const core::RestoreWriteError& e) {
    text = e.what();
  }
  EXPECT_EQ(text,
            "0000:00:1c.0: restore stopped: writing pcie slot_control at 0x058 (16-bit) failed: "
            "0000:00:1c.0: write at 0x058 failed: Input/output error (injected)\n"
            "  done:     pcie device_control at 0x048 (16-bit) = 0x201f\n"
            "  done:     pcie link_control at 0x050 (16-bit) = 0x0040\n"
            "  not done: pcie slot_control at 0x058 (16-bit) = 0x1028\n"
            "  not done: pcie root_control at 0x05c (16-bit) = 0x000f\n"
            "  not done: pcie device_control2 at 0x068 (16-bit) = 0x0400\n"
            "  not done: pcie link_control_aspm at 0x050 (16-bit) = 0x0043\n"
            "Restore the undo file to go back to the state before this restore");
  // The two done writes reached the model; nothing after the failure did.
  EXPECT_EQ(port.source.counts(kPort).writes[1], 2U);
  EXPECT_EQ(value_at(port.source.bytes(kPort), kDevCtl, Width::word), 0x201fU);
  EXPECT_EQ(value_at(port.source.bytes(kPort), kLnkCtl, Width::word), 0x0040U);
  EXPECT_EQ(value_at(port.source.bytes(kPort), kSltCtl, Width::word), 0x0000U);
}

// A failure on the first write: nothing is listed as done.
TEST(RestoreWriteFailure, FirstWriteFailsNothingDone) {
  PortRestore port(Registry::from_plugins({std::make_shared<ltr::LtrPlugin>()}),
                   port_image(reset_values()));
  Device device{
      kPort, std::make_unique<FailingConfigSpace>(*port.device.config, 1), nullptr, {}, {}};
  const DevicePlan plan = core::plan_restore(device, port.saved, port.registry, {});
  EXPECT_THAT([&] { core::apply_plan(device, plan, true); },
              ::testing::ThrowsMessage<core::RestoreWriteError>(
                  "0000:00:1c.0: restore stopped: writing ltr max_latencies at 0x104 (32-bit) "
                  "failed: 0000:00:1c.0: write at 0x104 failed: Input/output error (injected)\n"
                  "  not done: ltr max_latencies at 0x104 (32-bit) = 0x10461046\n"
                  "Restore the undo file to go back to the state before this restore"));
  EXPECT_EQ(port.source.counts(kPort).total_writes(), 0U);
}

}  // namespace
}  // namespace capstate::restoretest
