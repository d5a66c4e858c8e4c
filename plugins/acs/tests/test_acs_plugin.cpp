// Tests of the acs plugin: ACS Capability and Control on real root ports and endpoints, the
// Control write after a reset with the read-only Capability and egress vector untouched, and the
// Capability must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "acs_layout.hpp"
#include "acs_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::acs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_acs(const std::string& dump) {
  return plugintest::saved_fields(AcsPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(AcsLayout, Validates) {
  AcsPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Cannon Point root port, ACS at 0x140: "ACSCap: SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+
// UpstreamFwd- EgressCtrl- DirectTrans-", "ACSCtl: SrcValid- TransBlk- ReqRedir- CmpltRedir- ..."
TEST(AcsRealDumps, CannonPointRootPort) {
  EXPECT_THAT(saved_acs("intel-cannonpoint-lp-pcie-root-port-dpc-ptm.xxxx.txt"),
              ElementsAre("acs_capability=0xf", "acs_control=0x0"));
}

// Sky Lake-E root port, ACS at 0x110: "ACSCap: SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+
// UpstreamFwd+ EgressCtrl- DirectTrans-", every control off.
TEST(AcsRealDumps, SkylakeRootPortWithUpstreamForwarding) {
  EXPECT_THAT(saved_acs("intel-skylake-sp-pcie-root-port-vsec.xxxx.txt"),
              ElementsAre("acs_capability=0x1f", "acs_control=0x0"));
}

// I350 (multi-function endpoint), ACS at 0x1d0: no ACS control implemented ("ACSCap: SrcValid-
// ... DirectTrans-").
TEST(AcsRealDumps, EndpointWithoutControls) {
  EXPECT_THAT(saved_acs("intel-i350-gbe-sriov-tph.xxxx.txt"),
              ElementsAre("acs_capability=0x0", "acs_control=0x0"));
}

constexpr core::PciAddress kAddress{0, 0x1c, 0, 0};
constexpr std::uint16_t kAcs = 0x100;
// A root port's ACS: SV, TB, RR, CR, UF, egress control with an 8-bit vector (size 8).
constexpr std::uint16_t kRootPortCapability = 0x083f;
// The egress control vector after the Control register; RW on hardware, never saved.
constexpr std::uint32_t kEgressVector = 0x000000a5;

std::vector<std::uint8_t> image(std::uint16_t control, std::uint16_t capability) {
  // ACS v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x9dbc8086, .class_rev = 0x060400f0, .header_type = 0x01, .at = kAcs, .id = 0x000d});
  put(b, kAcs + 4, capability, 2);
  put(b, kAcs + 6, control, 2);
  put(b, kAcs + 8, kEgressVector, 4);
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kAcs + 6, kControlWritable, 2);
  put(w, kAcs + 8, 0xffffffff, 4);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint16_t saved, std::uint16_t now_control,
                 std::uint16_t capability = kRootPortCapability, std::uint16_t now_capability = 0) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  return plugintest::save_and_restore(
      std::make_shared<AcsPlugin>(), kAddress, {image(saved, capability), writable(), none},
      {image(now_control, now_capability != 0 ? now_capability : capability), writable(), none});
}

// After a reset Control reads 0: one 16-bit write of the saved enables at +0x06, in phase 400;
// the Capability and the egress control vector are not written.
TEST(AcsRestore, ControlAfterResetIsOneWrite) {
  const std::uint16_t saved =
      kSourceValidation | kRequestRedirect | kCompletionRedirect | kUpstreamForwarding;
  const Restored r = restore(saved, 0x0000);
  EXPECT_THAT(r.writes, ElementsAre("acs_control=0x1d @0x106 phase 400"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAcs + 6, 2), saved);
  EXPECT_EQ(get(r.bytes, kAcs + 4, 2), kRootPortCapability);
  EXPECT_EQ(get(r.bytes, kAcs + 8, 4), kEgressVector);
}

// Enables set since the save (a kernel that requested ACS) are turned back off.
TEST(AcsRestore, LaterEnablesAreClearedBack) {
  const Restored r = restore(kSourceValidation, 0x001f);
  EXPECT_THAT(r.writes, ElementsAre("acs_control=0x1 @0x106 phase 400"));
  EXPECT_EQ(get(r.bytes, kAcs + 6, 2), kSourceValidation);
}

// The device already holds the saved enables: nothing is written.
TEST(AcsRestore, UnchangedControlIsNotWritten) {
  EXPECT_THAT(restore(0x0015, 0x0015).writes, IsEmpty());
}

// The Capability (which controls exist, the egress vector size) identifies the capability.
TEST(AcsRestore, AnotherCapabilityIsRefused) {
  EXPECT_THAT([] { restore(0x0001, 0x0000, kRootPortCapability, 0x001f); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'acs_capability' at 0x104 identifies the capability")));
}

// After a reset Control reads 0 (its reserved bit 8 set, read-only): one 16-bit write of the
// saved enables with bit 8 as read; the Capability and the unsaved egress vector are untouched.
TEST(AcsWriteSequence, OneControlWriteKeepingReadOnlyBits) {
  constexpr std::uint16_t kReserved = 0x0100;
  const std::uint16_t enables =
      kSourceValidation | kRequestRedirect | kCompletionRedirect | kUpstreamForwarding;
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  const plugintest::ModelImage now{image(kReserved, kRootPortCapability), writable(), none};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kAcs + 6, Width::word, kReserved | enables));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<AcsPlugin>(), kAddress,
      {image(kReserved | enables, kRootPortCapability), writable(), none}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAcs + 6, 2), kReserved | enables);
  EXPECT_EQ(get(r.bytes, kAcs + 8, 4), kEgressVector);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::acs
