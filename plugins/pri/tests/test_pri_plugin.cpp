// Tests of the pri plugin: PRI Control, Status, Capacity and Allocation on four real devices, the
// Allocation-then-Enable writes after a reset with the W1C Status bits and the Reset command
// untouched, and the Capacity must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "pri_layout.hpp"
#include "pri_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::pri {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_pri(const std::string& dump) {
  return plugintest::saved_fields(PriPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(PriLayout, Validates) {
  PriPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Reset is a command: neither written nor verified. Status is never written; its two error bits
// are W1C.
TEST(PriLayout, ResetAndStatusAreNeverRestored) {
  EXPECT_EQ(kControlWritable, 0x0001U);
  EXPECT_EQ(kControlWritable & kReset, 0U);
  EXPECT_EQ(kSchema1Fields[2].verify & kReset, 0U);
  EXPECT_EQ(kSchema1Fields[3].writable, 0U);
  EXPECT_EQ(kSchema1Fields[3].w1c, 0x0003U);
}

// Whiskey Lake GT2, PRI at 0x300: "PRICtl: Enable- Reset-", "PRISta: RF- UPRGI- Stopped+",
// "Page Request Capacity: 00008000, Page Request Allocation: 00000000". Status 0x8100 also has
// PRG Response PASID Required (0x8000), which lspci 3.9.0 does not print.
TEST(PriRealDumps, WhiskeyLakeGraphics) {
  EXPECT_THAT(saved_pri("intel-whiskeylake-igpu-pasid-ats-pri.xxxx.txt"),
              ElementsAre("pri_capacity=0x8000", "pri_allocation=0x0", "pri_control=0x0",
                          "pri_status=0x8100"));
}

// Intel DSA 0b25, PRI at 0x240: "PRICtl: Enable- Reset-", "PRISta: RF- UPRGI- Stopped+",
// "Page Request Capacity: 00000200, Page Request Allocation: 00000000" (and PASID Required).
TEST(PriRealDumps, Dsa) {
  EXPECT_THAT(saved_pri("intel-dsa-0b25-dvsec-pasid-pri.xxxx.txt"),
              ElementsAre("pri_capacity=0x200", "pri_allocation=0x0", "pri_control=0x0",
                          "pri_status=0x8100"));
}

// Navi 10, PRI at 0x2c0: "PRICtl: Enable- Reset-", "PRISta: RF- UPRGI- Stopped+", "Page Request
// Capacity: 00000100, Page Request Allocation: 00000000" (no PASID Required).
TEST(PriRealDumps, Navi10) {
  EXPECT_THAT(saved_pri("amd-navi10-rx5600xt-gpu.xxxx.txt"),
              ElementsAre("pri_capacity=0x100", "pri_allocation=0x0", "pri_control=0x0",
                          "pri_status=0x100"));
}

// Intel 0d93 CXL test device, PRI at 0xb20: "PRICtl: Enable- Reset-", "PRISta: RF- UPRGI-
// Stopped+", "Page Request Capacity: 00000000, Page Request Allocation: 00000000".
TEST(PriRealDumps, Intel0d93WithoutCapacity) {
  EXPECT_THAT(
      saved_pri("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
      ElementsAre("pri_capacity=0x0", "pri_allocation=0x0", "pri_control=0x0", "pri_status=0x100"));
}

constexpr core::PciAddress kAddress{0, 0x02, 0, 0};
constexpr std::uint16_t kPri = 0x100;
// The DSA's capacity: 512 outstanding page requests.
constexpr std::uint32_t kCapacity = 0x200;

struct Pri {
  std::uint16_t control = 0;
  std::uint16_t status = kStopped;
  std::uint32_t allocation = 0;
  std::uint32_t capacity = kCapacity;
};

plugintest::ModelImage model(const Pri& p) {
  // PRI v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x3ea08086, .class_rev = 0x03000000, .at = kPri, .id = 0x0013});
  put(b, kPri + 4, p.control, 2);
  put(b, kPri + 6, p.status, 2);
  put(b, kPri + 8, p.capacity, 4);
  put(b, kPri + 12, p.allocation, 4);
  // The model takes a write of Reset (hardware acts on it), so a restore that wrote it would show.
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kPri + 4, kEnable | kReset, 2);
  put(w, kPri + 12, 0xffffffff, 4);
  std::vector<std::uint8_t> c(kExtendedSize, 0);
  put(c, kPri + 6, kStatusW1c, 2);
  return {b, w, c};
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(const Pri& saved, const Pri& now) {
  return plugintest::save_and_restore(std::make_shared<PriPlugin>(), kAddress, model(saved),
                                      model(now));
}

// After a reset (Control 0, Allocation 0) with both error bits flagged: the Allocation is
// written first, then Control's Enable, both in phase 215, as the kernel orders them. Status is
// not written, so its W1C bits stay set; the Capacity is untouched.
TEST(PriRestore, AllocationBeforeEnableAfterReset) {
  const Restored r = restore({.control = kEnable, .status = 0, .allocation = 0x20},
                             {.status = kStopped | kStatusW1c});
  EXPECT_THAT(r.writes, ElementsAre("pri_allocation=0x20 @0x10c phase 215",
                                    "pri_control=0x1 @0x104 phase 215"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPri + 12, 4), 0x20U);
  EXPECT_EQ(get(r.bytes, kPri + 4, 2), kEnable);
  EXPECT_EQ(get(r.bytes, kPri + 6, 2), kStopped | kStatusW1c);
  EXPECT_EQ(get(r.bytes, kPri + 8, 4), kCapacity);
}

// A Control saved with Reset reading 1 brings back the Enable only: Reset is never written as 1.
TEST(PriRestore, ResetIsNeverWritten) {
  const Restored r = restore({.control = kEnable | kReset, .allocation = 0x10}, {});
  EXPECT_THAT(r.writes, ElementsAre("pri_allocation=0x10 @0x10c phase 215",
                                    "pri_control=0x1 @0x104 phase 215"));
  EXPECT_EQ(get(r.bytes, kPri + 4, 2), kEnable);
}

// A Status saved with its W1C bits set is never written back (that would clear live errors).
TEST(PriRestore, SavedStatusIsNeverWritten) {
  const Restored r = restore({.status = kStopped | kStatusW1c}, {.status = kStopped});
  EXPECT_THAT(r.writes, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPri + 6, 2), kStopped);
}

// PRI enabled since the save is turned back off (the Allocation is unchanged, so not written).
TEST(PriRestore, LaterEnableIsClearedBack) {
  const Restored r = restore({.allocation = 0x20}, {.control = kEnable, .allocation = 0x20});
  EXPECT_THAT(r.writes, ElementsAre("pri_control=0x0 @0x104 phase 215"));
  EXPECT_EQ(get(r.bytes, kPri + 4, 2), 0U);
}

// The device already holds the saved Allocation and Enable: nothing is written.
TEST(PriRestore, UnchangedIsNotWritten) {
  EXPECT_THAT(
      restore({.control = kEnable, .allocation = 0x20}, {.control = kEnable, .allocation = 0x20})
          .writes,
      IsEmpty());
}

// The Capacity identifies the capability: an allocation saved for 512 requests is not restored
// onto a function that takes 256.
TEST(PriRestore, AnotherCapacityIsRefused) {
  EXPECT_THAT([] { restore({.control = kEnable, .allocation = 0x20}, {.capacity = 0x100}); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'pri_capacity' at 0x108 identifies the capability")));
}

// After a reset with both error bits flagged: the Allocation first, then Control with Enable
// only (Reset, writable on the model, saved reading 1, written as 0); Status is never written,
// so its W1C bits and Stopped stay as they are.
TEST(PriWriteSequence, AllocationBeforeEnableResetNeverWritten) {
  const plugintest::ModelImage now = model({.status = kStopped | kStatusW1c});
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kPri + 12, Width::dword, 0x20));
    EXPECT_CALL(obs, config_write(kPri + 4, Width::word, kEnable));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<PriPlugin>(), kAddress,
      model({.control = kEnable | kReset, .status = 0, .allocation = 0x20}), now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPri + 6, 2), kStopped | kStatusW1c);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::pri
