// Tests of the dpc plugin: DPC Capability, Control and Status on a real root port, the Control
// write after a reset with the Capability and the W1C Status bits untouched, and the must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "dpc_layout.hpp"
#include "dpc_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::dpc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_dpc(const std::string& dump) {
  return plugintest::saved_fields(DpcPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(DpcLayout, Validates) {
  DpcPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Cannon Point root port, DPC at 0x250: "DpcCap: INT Msg #0, RPExt+ PoisonedTLP+ SwTrigger+ RP
// PIO Log 4, DL_ActiveErr+", "DpcCtl: Trigger:1 Cmpl- INT+ ErrCor- PoisonedTLP- SwTrigger-
// DL_ActiveErr-", "DpcSta: Trigger- Reason:00 INT- RPBusy- TriggerExt:00 RP PIO ErrPtr:1f".
TEST(DpcRealDumps, CannonPointRootPort) {
  EXPECT_THAT(saved_dpc("intel-cannonpoint-lp-pcie-root-port-dpc-ptm.xxxx.txt"),
              ElementsAre("dpc_capability=0x14e0", "dpc_control=0x9", "dpc_status=0x1f00"));
}

constexpr core::PciAddress kAddress{0, 0x1c, 4, 0};
constexpr std::uint16_t kDpc = 0x100;
// The Cannon Point port's DPC Capability.
constexpr std::uint16_t kRootPortCapability = 0x14e0;
// DPC Status bits that are neither W1C nor zero: RP PIO First Error Pointer 0x1f.
constexpr std::uint16_t kErrorPointer = 0x1f00;

std::vector<std::uint8_t> image(std::uint16_t control, std::uint16_t status,
                                std::uint16_t capability) {
  // DPC v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x9dbc8086, .class_rev = 0x060400f0, .header_type = 0x81, .at = kDpc, .id = 0x001d});
  put(b, kDpc + 4, capability, 2);
  put(b, kDpc + 6, control, 2);
  put(b, kDpc + 8, status, 2);
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kDpc + 6, kControlWritable, 2);
  return w;
}

std::vector<std::uint8_t> w1c() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kDpc + 8, kStatusW1c, 2);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint16_t saved_control, std::uint16_t saved_status, std::uint16_t now_control,
                 std::uint16_t now_status, std::uint16_t now_capability = kRootPortCapability) {
  return plugintest::save_and_restore(
      std::make_shared<DpcPlugin>(), kAddress,
      {image(saved_control, saved_status, kRootPortCapability), writable(), w1c()},
      {image(now_control, now_status, now_capability), writable(), w1c()});
}

// After a reset Control reads 0 while a containment is still flagged (Trigger and Interrupt
// Status set): one 16-bit write of the saved enables, in phase 238. Status is not written, so
// its W1C bits stay set for the kernel's DPC handler; the Capability is untouched.
TEST(DpcRestore, ControlAfterResetLeavesStatusAlone) {
  const std::uint16_t saved = 0x0001 | kInterruptEnable;
  const Restored r = restore(saved, kErrorPointer, 0x0000, kErrorPointer | kStatusW1c);
  EXPECT_THAT(r.writes, ElementsAre("dpc_control=0x9 @0x106 phase 238"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kDpc + 6, 2), saved);
  EXPECT_EQ(get(r.bytes, kDpc + 8, 2), kErrorPointer | kStatusW1c);
  EXPECT_EQ(get(r.bytes, kDpc + 4, 2), kRootPortCapability);
}

// A Status saved with its W1C bits set is not written back either (that would clear them).
TEST(DpcRestore, SavedStatusIsNeverWritten) {
  const Restored r =
      restore(0x0002 | kCompletionControl | kPoisonedTlpBlocking | kErrCorEnable | kDlActiveErrCor,
              kStatusW1c, 0x0000, kStatusW1c);
  EXPECT_THAT(r.writes, ElementsAre("dpc_control=0xb6 @0x106 phase 238"));
  EXPECT_EQ(get(r.bytes, kDpc + 8, 2), kStatusW1c);
}

// The Software Trigger is never part of a write: it is not restorable.
TEST(DpcLayout, SoftwareTriggerIsNotWritable) {
  EXPECT_EQ(kControlWritable & kSoftwareTrigger, 0U);
  EXPECT_EQ(kControlWritable, 0x00bfU);
}

// The device already holds the saved enables: nothing is written.
TEST(DpcRestore, UnchangedControlIsNotWritten) {
  EXPECT_THAT(restore(0x0009, 0, 0x0009, kStatusW1c).writes, IsEmpty());
}

// The Capability (RP extensions, PIO log size, software trigger) identifies the capability.
TEST(DpcRestore, AnotherCapabilityIsRefused) {
  EXPECT_THAT([] { restore(0x0009, 0, 0x0000, 0, 0x0000); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'dpc_capability' at 0x104 identifies the capability")));
}

// After a reset with a containment still flagged: one 16-bit write of the saved enables to
// Control, never one to Status, so Trigger and Interrupt Status (W1C) and the read-only RP PIO
// First Error Pointer stay as they are.
TEST(DpcWriteSequence, ControlOnlyStatusLeftFlagged) {
  const std::uint16_t saved = 0x0001 | kInterruptEnable;
  const plugintest::ModelImage now{image(0x0000, kErrorPointer | kStatusW1c, kRootPortCapability),
                                   writable(), w1c()};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kDpc + 6, Width::word, saved));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<DpcPlugin>(), kAddress,
      {image(saved, kErrorPointer, kRootPortCapability), writable(), w1c()}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kDpc + 8, 2), kErrorPointer | kStatusW1c);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::dpc
