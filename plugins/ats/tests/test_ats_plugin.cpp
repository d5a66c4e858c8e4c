// Tests of the ats plugin: ATS Capability and Control on four real devices, the Control write
// after a reset with the read-only Capability untouched, and the Capability must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ats_layout.hpp"
#include "ats_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::ats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_ats(const std::string& dump) {
  return plugintest::saved_fields(AtsPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(AtsLayout, Validates) {
  AtsPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Every defined Capability bit identifies the capability; Control restores Enable and the STU.
TEST(AtsLayout, Masks) {
  EXPECT_EQ(kCapabilityIdentity, 0x00ffU);
  EXPECT_EQ(kControlWritable, 0x801fU);
}

// Whiskey Lake GT2, ATS at 0x200: "ATSCap: Invalidate Queue Depth: 00", "ATSCtl: Enable-,
// Smallest Translation Unit: 00". Capability 0x0060: Page Aligned Request and Global Invalidate
// Supported, which lspci 3.9.0 does not print.
TEST(AtsRealDumps, WhiskeyLakeGraphics) {
  EXPECT_THAT(saved_ats("intel-whiskeylake-igpu-pasid-ats-pri.xxxx.txt"),
              ElementsAre("ats_capability=0x60", "ats_control=0x0"));
}

// Intel DSA 0b25, ATS at 0x220, enabled: "ATSCap: Invalidate Queue Depth: 00", "ATSCtl:
// Enable+, Smallest Translation Unit: 00" (Capability 0x0060 as above).
TEST(AtsRealDumps, DsaEnabled) {
  EXPECT_THAT(saved_ats("intel-dsa-0b25-dvsec-pasid-pri.xxxx.txt"),
              ElementsAre("ats_capability=0x60", "ats_control=0x8000"));
}

// Navi 10, ATS at 0x2b0, enabled: "ATSCap: Invalidate Queue Depth: 00", "ATSCtl: Enable+,
// Smallest Translation Unit: 00". Capability 0x0020: Page Aligned Request only.
TEST(AtsRealDumps, Navi10Enabled) {
  EXPECT_THAT(saved_ats("amd-navi10-rx5600xt-gpu.xxxx.txt"),
              ElementsAre("ats_capability=0x20", "ats_control=0x8000"));
}

// Intel 0d93 CXL test device, ATS at 0x6e0: "ATSCap: Invalidate Queue Depth: 00", "ATSCtl:
// Enable-, Smallest Translation Unit: 00". Capability 0x0080: Relaxed Ordering Supported only.
TEST(AtsRealDumps, Intel0d93WithRelaxedOrdering) {
  EXPECT_THAT(saved_ats("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
              ElementsAre("ats_capability=0x80", "ats_control=0x0"));
}

constexpr core::PciAddress kAddress{0, 0x02, 0, 0};
constexpr std::uint16_t kAts = 0x100;
// The Whiskey Lake GT2's Capability: page aligned, global invalidate, queue depth 32.
constexpr std::uint16_t kGraphicsCapability = kPageAligned | kGlobalInvalidate;

std::vector<std::uint8_t> image(std::uint16_t control, std::uint16_t capability) {
  // ATS v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x3ea08086, .class_rev = 0x03000000, .at = kAts, .id = 0x000f});
  put(b, kAts + 4, capability, 2);
  put(b, kAts + 6, control, 2);
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kAts + 6, kControlWritable, 2);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint16_t saved, std::uint16_t now_control,
                 std::uint16_t now_capability = kGraphicsCapability) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  return plugintest::save_and_restore(std::make_shared<AtsPlugin>(), kAddress,
                                      {image(saved, kGraphicsCapability), writable(), none},
                                      {image(now_control, now_capability), writable(), none});
}

// After a reset Control reads 0: one 16-bit write of Enable and a 16 KB unit (STU 2) at +0x06,
// in phase 220; the Capability is untouched.
TEST(AtsRestore, ControlAfterResetIsOneWrite) {
  const Restored r = restore(kEnable | 0x0002, 0x0000);
  EXPECT_THAT(r.writes, ElementsAre("ats_control=0x8002 @0x106 phase 220"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAts + 6, 2), kEnable | 0x0002);
  EXPECT_EQ(get(r.bytes, kAts + 4, 2), kGraphicsCapability);
}

// A unit saved without Enable is restored too (the kernel restores it only with Enable).
TEST(AtsRestore, UnitWithoutEnableIsRestored) {
  const Restored r = restore(0x0003, 0x0000);
  EXPECT_THAT(r.writes, ElementsAre("ats_control=0x3 @0x106 phase 220"));
  EXPECT_EQ(get(r.bytes, kAts + 6, 2), 0x0003U);
}

// ATS enabled since the save is turned back off.
TEST(AtsRestore, LaterEnableIsClearedBack) {
  const Restored r = restore(0x0000, kEnable);
  EXPECT_THAT(r.writes, ElementsAre("ats_control=0x0 @0x106 phase 220"));
  EXPECT_EQ(get(r.bytes, kAts + 6, 2), 0U);
}

// The device already holds the saved Control: nothing is written.
TEST(AtsRestore, UnchangedControlIsNotWritten) {
  EXPECT_THAT(restore(kEnable, kEnable).writes, IsEmpty());
}

// The Capability identifies the capability: a function without Global Invalidate is not the one
// saved.
TEST(AtsRestore, AnotherCapabilityIsRefused) {
  EXPECT_THAT([] { restore(kEnable, 0x0000, kPageAligned); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'ats_capability' at 0x104 identifies the capability")));
}

// After a reset Control reads 0: one 16-bit write of Enable and the 16 KB unit (STU 2); the
// read-only Capability (queue depth, page aligned, global invalidate) is not written.
TEST(AtsWriteSequence, OneControlWrite) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  const plugintest::ModelImage now{image(0x0000, kGraphicsCapability), writable(), none};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kAts + 6, Width::word, kEnable | 0x0002));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<AtsPlugin>(), kAddress,
      {image(kEnable | 0x0002, kGraphicsCapability), writable(), none}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAts + 6, 2), kEnable | 0x0002);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::ats
