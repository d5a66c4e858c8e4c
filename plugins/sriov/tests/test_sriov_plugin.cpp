// Tests of the sriov plugin: SR-IOV on two real PFs (64-bit and 32-bit VF BARs), the kernel's
// restore order on a model PF after a reset (Control with ARI only, VF BARs, System Page Size,
// NumVFs, Control with VF Enable last and 100 ms after it), read-only and write-1-to-clear bits
// untouched, nothing written while VFs exist, and the must-match refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "sriov_layout.hpp"
#include "sriov_plugin.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::sriov {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_sriov(const std::string& dump) {
  return plugintest::saved_fields(SriovPlugin{}, dump, CapKind::extended, kCapabilityId);
}

// The names of the fields present in the SR-IOV record of the real dump `dump` (which VF BAR
// variant each slot took); saved_sriov shows values only.
std::vector<std::string> present_fields(const std::string& dump) {
  std::vector<std::string> out;
  for (const std::string& field :
       plugintest::saved_present_fields(SriovPlugin{}, dump, CapKind::extended, kCapabilityId)) {
    if (field.starts_with("vf_bar")) {
      out.push_back(field.substr(0, field.find('=')));
    }
  }
  return out;
}

TEST(SriovLayout, Validates) {
  SriovPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// I350, SR-IOV at 0x160: "IOVCap: Migration- 10BitTagReq- Interrupt Message Number: 000"
// (0x2: ARI Capable Hierarchy Preserved, which lspci does not print), "IOVCtl: Enable- Migration-
// Interrupt- MSE- ARIHierarchy- 10BitTagReq-", "IOVSta: Migration-", "Initial VFs: 8, Total VFs:
// 8, Number of VFs: 0, Function Dependency Link: 00", "VF offset: 384, stride: 4, Device ID:
// 1520", "Supported Page Size: 00000553, System Page Size: 00000001", "Region 0: Memory at
// 0000002000000000 (64-bit, prefetchable)", "Region 3: Memory at 0000002000020000 (64-bit,
// prefetchable)". Absent variants read 0.
TEST(SriovRealDumps, I350With64BitVfBars) {
  EXPECT_THAT(
      saved_sriov("intel-i350-gbe-sriov-tph.xxxx.txt"),
      ElementsAre("sriov_capability=0x2", "sriov_control=0x0", "sriov_status=0x0",
                  "initial_vfs=0x8", "total_vfs=0x8", "num_vfs=0x0", "function_dependency_link=0x0",
                  "vf_offset=0x180", "vf_stride=0x4", "vf_device_id=0x1520",
                  "supported_page_sizes=0x553", "system_page_size=0x1", "vf_bar0=0xc",
                  "vf_bar1=0x0", "vf_bar1_upper=0x20", "vf_bar2=0x0", "vf_bar2_upper=0x0",
                  "vf_bar3=0x2000c", "vf_bar3_upper=0x0", "vf_bar4=0x0", "vf_bar4_upper=0x20",
                  "vf_bar5=0x0", "vf_bar5_upper=0x0"));
  // Regions 0 and 3 are 64-bit: slots 1 and 4 hold their upper dwords; slots 2 and 5 are BARs of
  // their own (unimplemented, 0).
  EXPECT_THAT(
      present_fields("intel-i350-gbe-sriov-tph.xxxx.txt"),
      ElementsAre("vf_bar0", "vf_bar1_upper", "vf_bar2", "vf_bar3", "vf_bar4_upper", "vf_bar5"));
}

// Intel 0d93 CXL test device, SR-IOV at 0xb80: "IOVCap: Migration- 10BitTagReq- Interrupt
// Message Number: 000" (0x2), "IOVCtl: Enable- ... ARIHierarchy- 10BitTagReq-", "Initial VFs: 6,
// Total VFs: 6, Number of VFs: 0, Function Dependency Link: 00", "VF offset: 16, stride: 2,
// Device ID: 0d52", "Supported Page Size: 0000003f, System Page Size: 00000001", "Region 0:
// Memory at a6900000 (32-bit, non-prefetchable)", "Region 2: Memory at a7028000 (32-bit,
// non-prefetchable)", "Region 4: Memory at 94000000 (32-bit, non-prefetchable)".
TEST(SriovRealDumps, CxlDeviceWith32BitVfBars) {
  EXPECT_THAT(
      saved_sriov("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
      ElementsAre("sriov_capability=0x2", "sriov_control=0x0", "sriov_status=0x0",
                  "initial_vfs=0x6", "total_vfs=0x6", "num_vfs=0x0", "function_dependency_link=0x0",
                  "vf_offset=0x10", "vf_stride=0x2", "vf_device_id=0xd52",
                  "supported_page_sizes=0x3f", "system_page_size=0x1", "vf_bar0=0xa6900000",
                  "vf_bar1=0x0", "vf_bar1_upper=0x0", "vf_bar2=0xa7028000", "vf_bar2_upper=0x0",
                  "vf_bar3=0x0", "vf_bar3_upper=0x0", "vf_bar4=0x94000000", "vf_bar4_upper=0x0",
                  "vf_bar5=0x0", "vf_bar5_upper=0x0"));
  EXPECT_THAT(present_fields("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
              ElementsAre("vf_bar0", "vf_bar1", "vf_bar2", "vf_bar3", "vf_bar4", "vf_bar5"));
}

constexpr core::PciAddress kAddress{0, 0, 0, 0};
constexpr std::uint16_t kSriov = 0x100;
// SR-IOV Capabilities of the model PF: VF Migration Capable, ARI Capable Hierarchy Preserved, and
// VF Migration Interrupt Message Number 3 (bits 31:21).
constexpr std::uint32_t kModelCapability = 0x00600003;
// SR-IOV Control bit 5, VF 10-Bit Tag Requester Enable: RW on the model, not restored.
constexpr std::uint16_t kTenBitTagEnable = 0x0020;

// One state of the model PF's SR-IOV registers.
struct Pf {
  std::uint16_t control = 0;
  std::uint16_t status = 0;
  std::uint16_t num_vfs = 0;
  std::uint32_t page_size = 0x1;
  std::array<std::uint32_t, 6> bars{};
  std::uint16_t total_vfs = 8;
};

// What the model PF was saved with: 4 VFs enabled (VF Enable, VF MSE, ARI Capable Hierarchy),
// 64 KiB system pages, VF BAR0/1 a 64-bit BAR at 0x4_8000_0000 (its upper dword 0x4 has the bit a
// low dword's 64-bit type has), VF BAR2 32-bit at 0xa6900000, VF BAR3/4 64-bit prefetchable at
// 0x20_9000_0000, VF BAR5 unimplemented.
Pf saved_pf() {
  return {.control = kVfEnable | kVfMemorySpaceEnable | kAriCapableHierarchy,
          .num_vfs = 4,
          .page_size = 0x10,
          .bars = {0x8000000c, 0x00000004, 0xa6900000, 0x9000000c, 0x00000020, 0x0}};
}

// The same PF after a reset: every RW register at its default, the BARs' type bits kept; VF
// Migration Status (write-1-to-clear) is set.
Pf reset_pf() {
  return {.status = kVfMigrationStatus, .bars = {0x0000000c, 0x0, 0x0, 0x0000000c, 0x0, 0x0}};
}

std::vector<std::uint8_t> image(const Pf& pf) {
  // SR-IOV v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x15218086, .class_rev = 0x02000001, .at = kSriov, .id = 0x0010});
  put(b, kSriov + 0x04, kModelCapability, 4);
  put(b, kSriov + 0x08, pf.control, 2);
  put(b, kSriov + 0x0a, pf.status, 2);
  put(b, kSriov + 0x0c, 8, 2);
  put(b, kSriov + 0x0e, pf.total_vfs, 2);
  put(b, kSriov + 0x10, pf.num_vfs, 2);
  put(b, kSriov + 0x14, 0x180, 2);
  put(b, kSriov + 0x16, 4, 2);
  put(b, kSriov + 0x1a, 0x1520, 2);
  put(b, kSriov + 0x1c, 0x553, 4);
  put(b, kSriov + 0x20, pf.page_size, 4);
  for (unsigned i = 0; i < 6; ++i) {
    put(b, kSriov + 0x24 + 4 * i, pf.bars[i], 4);
  }
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kSriov + 0x08, kControlWritable | kTenBitTagEnable, 2);
  put(w, kSriov + 0x10, 0xffff, 2);
  put(w, kSriov + 0x20, 0xffffffff, 4);
  // VF BAR address bits down to each BAR's size (64 KiB, 8 KiB, 16 KiB); slot 5 unimplemented.
  const std::array<std::uint32_t, 6> bars{0xffff0000, 0xffffffff, 0xffffe000,
                                          0xffffc000, 0xffffffff, 0x0};
  for (unsigned i = 0; i < 6; ++i) {
    put(w, kSriov + 0x24 + 4 * i, bars[i], 4);
  }
  return w;
}

std::vector<std::uint8_t> w1c() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kSriov + 0x0a, kVfMigrationStatus, 2);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(const Pf& saved, const Pf& now) {
  return plugintest::save_and_restore(std::make_shared<SriovPlugin>(), kAddress,
                                      {image(saved), writable(), w1c()},
                                      {image(now), writable(), w1c()});
}

// The delay of every write made, in order.
std::vector<std::uint32_t> delays(const Restored& r) {
  std::vector<std::uint32_t> out;
  for (const core::PlannedWrite& w : r.plan.writes) {
    if (w.write) {
      out.push_back(w.delay_us);
    }
  }
  return out;
}

// After a reset: Control with ARI only, the VF BARs (a 64-bit BAR's low dword, then its upper),
// System Page Size, NumVFs, then VF Enable with VF MSE, and 100 ms after it, all in phase 450.
TEST(SriovRestore, AfterResetInTheKernelsOrderWithVfEnableLast) {
  const Restored r = restore(saved_pf(), reset_pf());
  EXPECT_THAT(
      r.writes,
      ElementsAre("sriov_control (ARI only)=0x10 @0x108 phase 450",
                  "vf_bar0=0x8000000c @0x124 phase 450", "vf_bar1_upper=0x4 @0x128 phase 450",
                  "vf_bar2=0xa6900000 @0x12c phase 450", "vf_bar3=0x9000000c @0x130 phase 450",
                  "vf_bar4_upper=0x20 @0x134 phase 450", "system_page_size=0x10 @0x120 phase 450",
                  "num_vfs=0x4 @0x110 phase 450", "sriov_control=0x19 @0x108 phase 450"));
  EXPECT_THAT(delays(r), ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, kVfEnableDelayUs));
  EXPECT_EQ(kVfEnableDelayUs, 100'000U);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kSriov + 0x08, 2), 0x19U);
  EXPECT_EQ(get(r.bytes, kSriov + 0x10, 2), 4U);
  EXPECT_EQ(get(r.bytes, kSriov + 0x28, 4), 0x4U);
  EXPECT_EQ(get(r.bytes, kSriov + 0x34, 4), 0x20U);
  // Read-only registers as they were, VF Migration Status still set (never written as 1).
  EXPECT_EQ(get(r.bytes, kSriov + 0x04, 4), kModelCapability);
  EXPECT_EQ(get(r.bytes, kSriov + 0x0a, 2), kVfMigrationStatus);
  EXPECT_EQ(get(r.bytes, kSriov + 0x0c, 4), 0x00080008U);
  EXPECT_EQ(get(r.bytes, kSriov + 0x14, 4), 0x00040180U);
  EXPECT_EQ(get(r.bytes, kSriov + 0x1c, 4), 0x553U);
}

// VF MSE left on by someone (VF Enable off): the first Control write turns it off while the VF
// BARs change; Control bit 5 (VF 10-Bit Tag Requester Enable, not restored) keeps the device's
// value in both Control writes.
TEST(SriovRestore, ControlWritesKeepBitsTheyDoNotRestore) {
  Pf now = reset_pf();
  now.control = kVfMemorySpaceEnable | kTenBitTagEnable;
  now.bars = saved_pf().bars;
  now.page_size = 0x10;
  now.num_vfs = 4;
  const Restored r = restore(saved_pf(), now);
  EXPECT_THAT(r.writes, ElementsAre("sriov_control (ARI only)=0x30 @0x108 phase 450",
                                    "sriov_control=0x39 @0x108 phase 450"));
  EXPECT_THAT(delays(r), ElementsAre(0, kVfEnableDelayUs));
  EXPECT_EQ(get(r.bytes, kSriov + 0x08, 2), 0x39U);
}

// A PF saved without VFs (ARI Capable Hierarchy only): nothing enables VFs, so no delay; the
// final Control write is skipped as the first one already left the saved value.
TEST(SriovRestore, WithoutVfsNoVfEnableAndNoDelay) {
  Pf saved = saved_pf();
  saved.control = kAriCapableHierarchy;
  saved.num_vfs = 0;
  const Restored r = restore(saved, reset_pf());
  EXPECT_THAT(
      r.writes,
      ElementsAre("sriov_control (ARI only)=0x10 @0x108 phase 450",
                  "vf_bar0=0x8000000c @0x124 phase 450", "vf_bar1_upper=0x4 @0x128 phase 450",
                  "vf_bar2=0xa6900000 @0x12c phase 450", "vf_bar3=0x9000000c @0x130 phase 450",
                  "vf_bar4_upper=0x20 @0x134 phase 450", "system_page_size=0x10 @0x120 phase 450"));
  EXPECT_THAT(delays(r), ElementsAre(0, 0, 0, 0, 0, 0, 0));
}

// VF Enable already set on the device (VFs exist, e.g. a kernel that enabled them since) and
// NumVFs differs: nothing can be written (the kernel's sriov_restore_state writes nothing here
// either), and the restore is refused naming the register and both values.
TEST(SriovRestore, VfEnableAlreadySetWithOtherValuesIsRefused) {
  Pf now = reset_pf();
  now.control = kVfEnable | kVfMemorySpaceEnable;
  now.num_vfs = 2;
  EXPECT_THAT([&] { restore(saved_pf(), now); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  AllOf(HasSubstr("VF Enable is set"), HasSubstr("disable the VFs first"),
                        HasSubstr("holds 0x"), HasSubstr("nothing was written"))));
}

// VFs enabled and every register as saved: nothing to write, no refusal.
TEST(SriovRestore, VfEnableAlreadySetAsSavedWritesNothing) {
  const Pf saved = saved_pf();
  const Restored r = restore(saved, saved);
  EXPECT_THAT(r.writes, IsEmpty());
  EXPECT_EQ(get(r.bytes, kSriov + 0x08, 2), saved.control);
}

// The device already holds everything saved: nothing is written.
TEST(SriovRestore, UnchangedWithoutVfsWritesNothing) {
  Pf saved = saved_pf();
  saved.control = kAriCapableHierarchy;
  Pf now = saved;
  now.status = kVfMigrationStatus;
  EXPECT_THAT(restore(saved, now).writes, IsEmpty());
}

// TotalVFs identifies the capability: another value refuses the restore before any write.
TEST(SriovRestore, AnotherTotalVfsIsRefused) {
  Pf now = reset_pf();
  now.total_vfs = 4;
  EXPECT_THAT([&] { restore(saved_pf(), now); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'total_vfs' at 0x10e identifies the capability")));
}

// A VF BAR's type identifies the layout of the VF BARs: VF BAR2 now 64-bit is refused.
TEST(SriovRestore, AnotherVfBarTypeIsRefused) {
  Pf now = reset_pf();
  now.bars[2] = 0x4;
  EXPECT_THAT([&] { restore(saved_pf(), now); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'vf_bar2' at 0x12c identifies the capability")));
}

// After a reset (VF 10-Bit Tag Requester Enable set, not restored; VF Migration Status set):
// Control with ARI only, the VF BARs low dword before upper, System Page Size, NumVFs, then the
// saved Control with VF Enable last; bit 5 keeps the device's value in both Control writes and
// the W1C status bit stays set.
TEST(SriovWriteSequence, VfEnableIsTheLastWrite) {
  const Pf saved = saved_pf();
  Pf reset = reset_pf();
  reset.control = kTenBitTagEnable;
  const plugintest::ModelImage now{image(reset), writable(), w1c()};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs,
                config_write(kSriov + 0x08, Width::word, kAriCapableHierarchy | kTenBitTagEnable));
    for (const unsigned i : {0U, 1U, 2U, 3U, 4U}) {  // slot 5 is unimplemented (0)
      EXPECT_CALL(obs, config_write(kSriov + 0x24 + 4 * i, Width::dword, saved.bars[i]));
    }
    EXPECT_CALL(obs, config_write(kSriov + 0x20, Width::dword, saved.page_size));
    EXPECT_CALL(obs, config_write(kSriov + 0x10, Width::word, saved.num_vfs));
    EXPECT_CALL(obs, config_write(kSriov + 0x08, Width::word, saved.control | kTenBitTagEnable));
  }
  const Restored r = plugintest::save_and_restore(std::make_shared<SriovPlugin>(), kAddress,
                                                  {image(saved), writable(), w1c()}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kSriov + 0x0a, 2), kVfMigrationStatus);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::sriov
