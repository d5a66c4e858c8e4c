// Tests of the l1ss plugin: the saved registers of a real root port and a real NVMe drive checked
// against their lspci twins; after a reset Control 2 is written before Control 1, the L1.2
// enables stay off and a note says why; live L1.2 enables are turned off before the timing
// changes; nothing is written when the device holds the saved values; the Capabilities
// must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "l1ss_layout.hpp"
#include "l1ss_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::l1ss {
namespace {

using plugintest::get;
using plugintest::put;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::IsEmpty;
using ::testing::StrictMock;

std::vector<std::string> saved_l1ss(const std::string& dump) {
  return plugintest::saved_fields(L1ssPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(L1ssLayout, Validates) {
  L1ssPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Cannon Point root port, L1SS at 0x200: "L1SubCap: PCI-PM_L1.2+ PCI-PM_L1.1+ ASPM_L1.2+
// ASPM_L1.1+ L1_PM_Substates+ PortCommonModeRestoreTime=40us PortTPowerOnTime=44us",
// "L1SubCtl1: PCI-PM_L1.2+ PCI-PM_L1.1+ ASPM_L1.2+ ASPM_L1.1+ T_CommonMode=255us
// LTR1.2_Threshold=81920ns", "L1SubCtl2: T_PwrOn=44us".
TEST(L1ssRealDumps, CannonPointRootPort) {
  EXPECT_THAT(
      saved_l1ss("intel-cannonpoint-lp-pcie-root-port-dpc-ptm.xxxx.txt"),
      ElementsAre("l1ss_capabilities=0xb0281f", "l1ss_control2=0xb0", "l1ss_control1=0x4050ff0f"));
}

// Toshiba NVMe, L1SS at 0x400: "L1SubCap: PCI-PM_L1.2+ PCI-PM_L1.1- ASPM_L1.2+ ASPM_L1.1-
// L1_PM_Substates+ PortCommonModeRestoreTime=60us PortTPowerOnTime=100us", "L1SubCtl1:
// PCI-PM_L1.2+ PCI-PM_L1.1- ASPM_L1.2+ ASPM_L1.1- T_CommonMode=0us LTR1.2_Threshold=163840ns",
// "L1SubCtl2: T_PwrOn=100us".
TEST(L1ssRealDumps, ToshibaNvme) {
  EXPECT_THAT(
      saved_l1ss("toshiba-nvme-ssd-l1ss-ltr.xxxx.txt"),
      ElementsAre("l1ss_capabilities=0xa3c15", "l1ss_control2=0xa", "l1ss_control1=0x60050005"));
}

constexpr core::PciAddress kAddress{0, 0x04, 0, 0};
constexpr std::uint16_t kL1ss = 0x400;
constexpr std::uint32_t kCapabilities = 0x000a3c15;
// Saved: both L1.2 enables, LTR threshold 160 x 1024 ns, T_POWER_ON 100 us.
constexpr std::uint32_t kSavedControl1 = 0x60050005;
constexpr std::uint32_t kSavedControl2 = 0x0000000a;

plugintest::ModelImage device(std::uint32_t control1, std::uint32_t control2,
                              std::uint32_t capabilities = kCapabilities) {
  // Device Serial Number, next at 0x400
  plugintest::ModelImage m{
      plugintest::extended_capability_model(
          {.ids = 0x01161179, .class_rev = 0x01080200, .at = 0x100, .id = 0x0003, .next = kL1ss}),
      std::vector<std::uint8_t>(kExtendedSize, 0), std::vector<std::uint8_t>(kExtendedSize, 0)};
  put(m.config, kL1ss, 0x0001001e, 4);  // L1SS v1, last in the list
  put(m.config, kL1ss + 0x04, capabilities, 4);
  put(m.config, kL1ss + 0x08, control1, 4);
  put(m.config, kL1ss + 0x0c, control2, 4);
  put(m.writable, kL1ss + 0x08, kControl1Writable, 4);
  put(m.writable, kL1ss + 0x0c, kControl2Writable, 4);
  return m;
}

plugintest::ModelRestore restore(const plugintest::ModelImage& now) {
  return plugintest::save_and_restore(std::make_shared<L1ssPlugin>(), kAddress,
                                      device(kSavedControl1, kSavedControl2), now);
}

// After a reset (both registers 0): Control 2, then Control 1 without the L1.2 enables, and a
// note naming why L1.2 stays off; the Capabilities register is never written.
TEST(L1ssRestore, AfterResetControl2ThenControl1WithoutL12) {
  const auto r = restore(device(0, 0));
  EXPECT_THAT(r.writes, ElementsAre("l1ss_control2=0xa @0x40c phase 150",
                                    "l1ss_control1=0x60050000 @0x408 phase 150"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kL1ss + 0x08, 4), kSavedControl1 & ~kL12Enables);
  EXPECT_EQ(get(r.bytes, kL1ss + 0x0c, 4), kSavedControl2);
  EXPECT_EQ(get(r.bytes, kL1ss + 0x04, 4), kCapabilities);
  ASSERT_EQ(r.plan.warnings.size(), 1U);
  EXPECT_THAT(r.plan.warnings[0], AllOf(HasSubstr("0000:04:00.0"), HasSubstr("plugin 'l1ss'"),
                                        HasSubstr("saved L1.2 enables"), HasSubstr("stay off")));
  EXPECT_THAT(r.plan.notes, ::testing::Contains(r.plan.warnings[0]));
}

// L1.2 enabled on the device with another threshold: the enables go off first, before the
// timing changes, as the kernel clears them before it writes Control 2, and on again with the
// saved threshold (the link was in L1.2 before); no note.
TEST(L1ssRestore, LiveL12EnablesGoOffAroundTheTimingChange) {
  const auto r = restore(device(0x20010005, 0x0000000a));
  EXPECT_THAT(r.writes, ElementsAre("l1ss_control1 (L1.2 off)=0x20010000 @0x408 phase 150",
                                    "l1ss_control1=0x60050005 @0x408 phase 150"));
  EXPECT_EQ(get(r.bytes, kL1ss + 0x08, 4), kSavedControl1);
  EXPECT_THAT(r.plan.warnings, IsEmpty());
}

// Only ASPM L1.2 on now: it comes back, PCI-PM L1.2 (off now) stays off, with the note.
TEST(L1ssRestore, OnlyTheL12EnablesThatWereOnComeBack) {
  const auto r = restore(device(0x20010004, 0x0000000a));
  EXPECT_THAT(r.writes, ElementsAre("l1ss_control1 (L1.2 off)=0x20010000 @0x408 phase 150",
                                    "l1ss_control1=0x60050004 @0x408 phase 150"));
  EXPECT_EQ(r.plan.warnings.size(), 1U);
}

// The device holds the saved values (L1.2 on): nothing is written and no note.
TEST(L1ssRestore, AsSavedWritesNothingAndKeepsL12) {
  const auto r = restore(device(kSavedControl1, kSavedControl2));
  EXPECT_THAT(r.writes, IsEmpty());
  EXPECT_THAT(r.plan.warnings, IsEmpty());
  EXPECT_EQ(get(r.bytes, kL1ss + 0x08, 4), kSavedControl1);
}

// Saved without L1.2: restored whole, no note.
TEST(L1ssRestore, SavedWithoutL12IsRestoredWholeWithoutANote) {
  const auto r = plugintest::save_and_restore(std::make_shared<L1ssPlugin>(), kAddress,
                                              device(0x4050ff0a, 0xb0), device(0, 0));
  EXPECT_THAT(r.writes, ElementsAre("l1ss_control2=0xb0 @0x40c phase 150",
                                    "l1ss_control1=0x4050ff0a @0x408 phase 150"));
  EXPECT_THAT(r.plan.warnings, IsEmpty());
}

// Other supported substates or port timings: another port, refused before any write.
TEST(L1ssRestore, OtherCapabilitiesAreRefused) {
  EXPECT_THAT([] { restore(device(0, 0, 0x000a3c1f)); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'l1ss_capabilities' at 0x404 identifies the capability")));
}

// The exact writes reaching a reset device, alone (no upstream port in the restore): Control 2,
// then Control 1 without the L1.2 enables; the read-only Capabilities and Serial Number bits are
// not disturbed.
TEST(L1ssWriteSequence, AloneAfterResetControl2ThenControl1) {
  const plugintest::ModelImage now = device(0, 0);
  StrictMock<plugintest::WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kL1ss + 0x0c, Width::dword, kSavedControl2));
    EXPECT_CALL(obs, config_write(kL1ss + 0x08, Width::dword, kSavedControl1 & ~kL12Enables));
  }
  const auto r = plugintest::save_and_restore(std::make_shared<L1ssPlugin>(), kAddress,
                                              device(kSavedControl1, kSavedControl2), now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_THAT(plugintest::disturbed_bits(now, r.bytes), IsEmpty());
}

// Live L1.2 with another threshold: the enables off first, then Control 1 with the saved
// threshold and the enables that were on (Control 2 already holds its value: not written).
TEST(L1ssWriteSequence, LiveEnablesOffThenSavedValue) {
  const plugintest::ModelImage now = device(0x20010005, kSavedControl2);
  StrictMock<plugintest::WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kL1ss + 0x08, Width::dword, 0x20010000U));
    EXPECT_CALL(obs, config_write(kL1ss + 0x08, Width::dword, kSavedControl1));
  }
  const auto r = plugintest::save_and_restore(std::make_shared<L1ssPlugin>(), kAddress,
                                              device(kSavedControl1, kSavedControl2), now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_THAT(plugintest::disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::l1ss
