// Tests of the pasid plugin: PASID Capability and Control on four real devices, the Control write
// after a reset with the read-only Capability untouched, and the Capability must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "pasid_layout.hpp"
#include "pasid_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::pasid {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_pasid(const std::string& dump) {
  return plugintest::saved_fields(PasidPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(PasidLayout, Validates) {
  PasidPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// The identity bits are exactly Execute, Privileged and the Max PASID Width; Control restores
// the three enables.
TEST(PasidLayout, Masks) {
  EXPECT_EQ(kCapabilityIdentity, 0x1f06U);
  EXPECT_EQ(kControlWritable, 0x0007U);
}

// Whiskey Lake GT2, PASID at 0x100: "PASIDCap: Exec- Priv-, Max PASID Width: 14",
// "PASIDCtl: Enable- Exec- Priv-".
TEST(PasidRealDumps, WhiskeyLakeGraphics) {
  EXPECT_THAT(saved_pasid("intel-whiskeylake-igpu-pasid-ats-pri.xxxx.txt"),
              ElementsAre("pasid_capability=0x1400", "pasid_control=0x0"));
}

// Intel DSA 0b25, PASID at 0x230, enabled with privileged mode: "PASIDCap: Exec- Priv+, Max
// PASID Width: 14", "PASIDCtl: Enable+ Exec- Priv+".
TEST(PasidRealDumps, DsaEnabledWithPrivilegedMode) {
  EXPECT_THAT(saved_pasid("intel-dsa-0b25-dvsec-pasid-pri.xxxx.txt"),
              ElementsAre("pasid_capability=0x1404", "pasid_control=0x5"));
}

// Navi 10, PASID at 0x2d0: "PASIDCap: Exec+ Priv+, Max PASID Width: 10", "PASIDCtl: Enable-
// Exec- Priv-".
TEST(PasidRealDumps, Navi10) {
  EXPECT_THAT(saved_pasid("amd-navi10-rx5600xt-gpu.xxxx.txt"),
              ElementsAre("pasid_capability=0x1006", "pasid_control=0x0"));
}

// Intel 0d93 CXL test device, PASID at 0xb40: "PASIDCap: Exec+ Priv+, Max PASID Width: 14",
// "PASIDCtl: Enable- Exec- Priv-".
TEST(PasidRealDumps, Intel0d93) {
  EXPECT_THAT(saved_pasid("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
              ElementsAre("pasid_capability=0x1406", "pasid_control=0x0"));
}

constexpr core::PciAddress kAddress{0, 0x01, 0, 0};
constexpr std::uint16_t kPasid = 0x100;
// The DSA's Capability: Privileged Mode supported, no Execute, 20-bit PASIDs.
constexpr std::uint16_t kDsaCapability = kPrivilegedSupported | 0x1400;

std::vector<std::uint8_t> image(std::uint16_t control, std::uint16_t capability) {
  // PASID v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x0b258086, .class_rev = 0x08800000, .at = kPasid, .id = 0x001b});
  put(b, kPasid + 4, capability, 2);
  put(b, kPasid + 6, control, 2);
  return b;
}

// Execute Permission Enable is read-only 0 on a function without Execute support.
std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kPasid + 6, kEnable | kPrivilegedEnable, 2);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint16_t saved, std::uint16_t now_control,
                 std::uint16_t now_capability = kDsaCapability) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  return plugintest::save_and_restore(std::make_shared<PasidPlugin>(), kAddress,
                                      {image(saved, kDsaCapability), writable(), none},
                                      {image(now_control, now_capability), writable(), none});
}

// After a reset Control reads 0: one 16-bit write of Enable and Privileged Mode Enable at +0x06,
// in phase 210; the Capability is untouched.
TEST(PasidRestore, ControlAfterResetIsOneWrite) {
  const Restored r = restore(kEnable | kPrivilegedEnable, 0x0000);
  EXPECT_THAT(r.writes, ElementsAre("pasid_control=0x5 @0x106 phase 210"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPasid + 6, 2), kEnable | kPrivilegedEnable);
  EXPECT_EQ(get(r.bytes, kPasid + 4, 2), kDsaCapability);
}

// PASID enabled since the save is turned back off.
TEST(PasidRestore, LaterEnableIsClearedBack) {
  const Restored r = restore(0x0000, kEnable | kPrivilegedEnable);
  EXPECT_THAT(r.writes, ElementsAre("pasid_control=0x0 @0x106 phase 210"));
  EXPECT_EQ(get(r.bytes, kPasid + 6, 2), 0U);
}

// The device already holds the saved enables: nothing is written.
TEST(PasidRestore, UnchangedControlIsNotWritten) {
  EXPECT_THAT(restore(kEnable, kEnable).writes, IsEmpty());
}

// The Capability (Execute, Privileged Mode, Max PASID Width) identifies the capability: a
// function with 16-bit PASIDs is not the one saved.
TEST(PasidRestore, AnotherWidthIsRefused) {
  EXPECT_THAT([] { restore(kEnable, 0x0000, kPrivilegedSupported | 0x1000); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'pasid_capability' at 0x104 identifies the capability")));
}

// After a reset Control reads 0: one 16-bit write of Enable and Privileged Mode Enable; Execute
// Permission Enable (read-only 0 here) and the Capability are not disturbed.
TEST(PasidWriteSequence, OneControlWrite) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  const plugintest::ModelImage now{image(0x0000, kDsaCapability), writable(), none};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kPasid + 6, Width::word, kEnable | kPrivilegedEnable));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<PasidPlugin>(), kAddress,
      {image(kEnable | kPrivilegedEnable, kDsaCapability), writable(), none}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPasid + 6, 2), kEnable | kPrivilegedEnable);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::pasid
