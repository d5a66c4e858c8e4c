// Tests of the ptm plugin: PTM Capability and Control on a real root port and a real endpoint,
// the Control write after a reset with the read-only Capability untouched, and the must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ptm_layout.hpp"
#include "ptm_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::ptm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_ptm(const std::string& dump) {
  return plugintest::saved_fields(PtmPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(PtmLayout, Validates) {
  PtmPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Cannon Point root port, PTM at 0x150: "PTMCap: Requester:- Responder:+ Root:+",
// "PTMClockGranularity: 4ns", "PTMControl: Enabled:+ RootSelected:+", "PTMEffectiveGranularity:
// Unknown".
TEST(PtmRealDumps, CannonPointRootPortIsEnabledRoot) {
  EXPECT_THAT(saved_ptm("intel-cannonpoint-lp-pcie-root-port-dpc-ptm.xxxx.txt"),
              ElementsAre("ptm_capability=0x406", "ptm_control=0x3"));
}

// Intel 0d93 CXL test device, PTM at 0xb50: nothing capable, nothing enabled ("Requester:-
// Responder:- Root:-", "Enabled:- RootSelected:-").
TEST(PtmRealDumps, EndpointWithNothingEnabled) {
  EXPECT_THAT(saved_ptm("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
              ElementsAre("ptm_capability=0x0", "ptm_control=0x0"));
}

constexpr core::PciAddress kAddress{0, 0, 0, 0};
constexpr std::uint16_t kPtm = 0x100;
// A requester with 16 ns local clock granularity.
constexpr std::uint32_t kRequesterCapability = 0x00001001;

std::vector<std::uint8_t> image(std::uint32_t control, std::uint32_t capability) {
  // PTM v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x15338086, .class_rev = 0x02000000, .at = kPtm, .id = 0x001f});
  put(b, kPtm + 4, capability, 4);
  put(b, kPtm + 8, control, 4);
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kPtm + 8, kControlWritable, 4);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint32_t saved, std::uint32_t now_control,
                 std::uint32_t now_capability = kRequesterCapability) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  return plugintest::save_and_restore(std::make_shared<PtmPlugin>(), kAddress,
                                      {image(saved, kRequesterCapability), writable(), none},
                                      {image(now_control, now_capability), writable(), none});
}

// After a reset Control reads 0: one 32-bit write of PTM Enable and the effective granularity
// (16 ns), in phase 241; the Capability is untouched.
TEST(PtmRestore, ControlAfterResetIsOneDwordWrite) {
  const std::uint32_t saved = kEnable | 0x1000;
  const Restored r = restore(saved, 0);
  EXPECT_THAT(r.writes, ElementsAre("ptm_control=0x1001 @0x108 phase 241"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPtm + 8, 4), saved);
  EXPECT_EQ(get(r.bytes, kPtm + 4, 4), kRequesterCapability);
}

// PTM enabled since the save is turned back off.
TEST(PtmRestore, LaterEnableIsClearedBack) {
  const Restored r = restore(0, kEnable | 0x1000);
  EXPECT_THAT(r.writes, ElementsAre("ptm_control=0x0 @0x108 phase 241"));
  EXPECT_EQ(get(r.bytes, kPtm + 8, 4), 0U);
}

// The device already holds the saved Control: nothing is written.
TEST(PtmRestore, UnchangedControlIsNotWritten) {
  EXPECT_THAT(restore(kEnable, kEnable).writes, IsEmpty());
}

// The Capability (requester, responder, root, clock granularity) identifies the capability.
TEST(PtmRestore, AnotherCapabilityIsRefused) {
  EXPECT_THAT([] { restore(kEnable, 0, 0x00000406); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'ptm_capability' at 0x104 identifies the capability")));
}

// After a reset Control reads 0: one 32-bit write of PTM Enable and the 16 ns effective
// granularity; the read-only Capability is not written.
TEST(PtmWriteSequence, OneControlDwordWrite) {
  const std::uint32_t saved = kEnable | 0x1000;
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  const plugintest::ModelImage now{image(0, kRequesterCapability), writable(), none};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kPtm + 8, Width::dword, saved));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<PtmPlugin>(), kAddress,
      {image(saved, kRequesterCapability), writable(), none}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPtm + 8, 4), saved);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::ptm
