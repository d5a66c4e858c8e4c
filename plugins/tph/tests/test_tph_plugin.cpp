// Tests of the tph plugin: TPH Requester Capability, Control and the steering-tag table on three
// real devices, Control then the table entries after a reset with the Capability untouched, no
// table where it lives elsewhere, and the Capability must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"
#include "tph_layout.hpp"
#include "tph_plugin.hpp"

namespace capstate::tph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_tph(const std::string& dump) {
  return plugintest::saved_fields(TphPlugin{}, dump, CapKind::extended, kCapabilityId);
}

// "name=0xvalue" of the array values (st_table_saved, st_entries, st_table[i].tag) in the TPH
// record of the real dump `dump`.
std::vector<std::string> saved_table(const std::string& dump) {
  return plugintest::saved_arrays(TphPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(TphLayout, Validates) {
  TphPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// I350, TPH at 0x1a0: "Device specific mode supported", "Steering table in TPH capability
// structure"; the dword 0x00070205 also has No ST Mode (bit 0) and ST Table Size 7 (8 entries),
// which this lspci does not print. Requester disabled, every tag 0.
TEST(TphRealDumps, I350TableOfEightInTheCapability) {
  EXPECT_THAT(saved_tph("intel-i350-gbe-sriov-tph.xxxx.txt"),
              ElementsAre("tph_capability=0x70205", "tph_control=0x0"));
  EXPECT_THAT(saved_table("intel-i350-gbe-sriov-tph.xxxx.txt"),
              ElementsAre("st_table_saved=0x1", "st_entries=0x8", "st_table[0].tag=0x0",
                          "st_table[1].tag=0x0", "st_table[2].tag=0x0", "st_table[3].tag=0x0",
                          "st_table[4].tag=0x0", "st_table[5].tag=0x0", "st_table[6].tag=0x0",
                          "st_table[7].tag=0x0"));
}

// Intel DSA, TPH at 0x160: "Device specific mode supported", "Steering table in TPH capability
// structure" (0x00010205: No ST and Device Specific modes, 2 entries). Control 0x102 (Device
// Specific mode, TPH Requester Enable 1; lspci does not print Control) and tag 1 = 0x0a.
TEST(TphRealDumps, DsaEnabledInDeviceSpecificMode) {
  EXPECT_THAT(saved_tph("intel-dsa-0b25-dvsec-pasid-pri.xxxx.txt"),
              ElementsAre("tph_capability=0x10205", "tph_control=0x102"));
  EXPECT_THAT(saved_table("intel-dsa-0b25-dvsec-pasid-pri.xxxx.txt"),
              ElementsAre("st_table_saved=0x1", "st_entries=0x2", "st_table[0].tag=0x0",
                          "st_table[1].tag=0xa"));
}

// Intel 0d93 CXL test device, TPH at 0x5b0: "Extended requester support", "Steering table in TPH
// capability structure" (0x000f0300: 16 entries, no ST mode bit set).
TEST(TphRealDumps, CxlDeviceExtendedRequesterSixteenEntries) {
  EXPECT_THAT(saved_tph("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt"),
              ElementsAre("tph_capability=0xf0300", "tph_control=0x0"));
  const std::vector<std::string> table =
      saved_table("intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt");
  ASSERT_EQ(table.size(), 2U + 16U);
  EXPECT_EQ(table[1], "st_entries=0x10");
  EXPECT_EQ(table.back(), "st_table[15].tag=0x0");
}

constexpr core::PciAddress kAddress{0, 3, 0, 0};
constexpr std::uint16_t kTph = 0x100;
// No ST and Device Specific modes, table in the capability, 4 entries.
constexpr std::uint32_t kInCapability = 0x00030205;
// Interrupt Vector and Device Specific modes, extended TPH, table in the MSI-X table, 16 entries.
constexpr std::uint32_t kInMsix = 0x000f0506;
// Device Specific mode, TPH Requester Enable 1.
constexpr std::uint32_t kEnabledDeviceSpecific = 0x00000102;
// The register after the capability (the next one's header), never touched.
constexpr std::uint32_t kAfterTable = 0x0001001e;

std::vector<std::uint8_t> image(std::uint32_t capability, std::uint32_t control,
                                const std::vector<std::uint16_t>& tags) {
  // TPH v1, next capability at 0x114
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x0b258086, .class_rev = 0x08800000, .at = kTph, .id = 0x0017, .next = 0x114});
  put(b, kTph + 0x04, capability, 4);
  put(b, kTph + 0x08, control, 4);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    put(b, kTph + 0x0c + 2 * i, tags[i], 2);
  }
  put(b, 0x114, kAfterTable, 4);
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kTph + 0x08, kControlWritable, 4);
  for (unsigned i = 0; i < 4; ++i) {
    put(w, kTph + 0x0c + 2 * i, 0xffff, 2);
  }
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint32_t capability, std::uint32_t saved_control,
                 const std::vector<std::uint16_t>& saved_tags, std::uint32_t now_control,
                 const std::vector<std::uint16_t>& now_tags, std::uint32_t now_capability = 0) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  return plugintest::save_and_restore(
      std::make_shared<TphPlugin>(), kAddress,
      {image(capability, saved_control, saved_tags), writable(), none},
      {image(now_capability != 0 ? now_capability : capability, now_control, now_tags), writable(),
       none});
}

// After a reset: Control first, then each tag that differs as a 16-bit write, all in phase 244,
// as the kernel's pci_restore_tph_state; the Capability and what follows the table untouched.
TEST(TphRestore, ControlThenTheTagsAfterReset) {
  const Restored r = restore(kInCapability, kEnabledDeviceSpecific, {0x0012, 0x0034, 0x0, 0x0156},
                             0, {0, 0, 0, 0});
  EXPECT_THAT(r.writes, ElementsAre("tph_control=0x102 @0x108 phase 244",
                                    "st_table[0].tag=0x12 @0x10c phase 244",
                                    "st_table[1].tag=0x34 @0x10e phase 244",
                                    "st_table[3].tag=0x156 @0x112 phase 244"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kTph + 0x04, 4), kInCapability);
  EXPECT_EQ(get(r.bytes, kTph + 0x08, 4), kEnabledDeviceSpecific);
  EXPECT_EQ(get(r.bytes, kTph + 0x12, 2), 0x156U);
  EXPECT_EQ(get(r.bytes, 0x114, 4), kAfterTable);
}

// A requester enabled since the save is turned back off; equal tags are not written.
TEST(TphRestore, LaterEnableIsTurnedOff) {
  const Restored r =
      restore(kInCapability, 0, {1, 2, 3, 4}, kEnabledDeviceSpecific | 0x200, {1, 2, 3, 4});
  EXPECT_THAT(r.writes, ElementsAre("tph_control=0x0 @0x108 phase 244"));
}

// Tags in the MSI-X table (location 2): the tph record holds no table (that is the msix
// plugin's memory); only Control is restored, and the bytes after Control are not touched.
TEST(TphRestore, TableInMsixIsNotTouched) {
  const Restored r =
      restore(kInMsix, 0x00000301, {0x11, 0x22, 0x33, 0x44}, 0, {0x55, 0x66, 0x77, 0x88});
  EXPECT_THAT(r.writes, ElementsAre("tph_control=0x301 @0x108 phase 244"));
  EXPECT_EQ(get(r.bytes, kTph + 0x0c, 2), 0x55U);
}

// Nothing differs: nothing is written.
TEST(TphRestore, UnchangedIsNotWritten) {
  EXPECT_THAT(restore(kInCapability, kEnabledDeviceSpecific, {1, 2, 3, 4}, kEnabledDeviceSpecific,
                      {1, 2, 3, 4})
                  .writes,
              IsEmpty());
}

// The Capability (modes, table place and size) identifies the capability: a table of another
// size is refused before any write.
TEST(TphRestore, AnotherTableSizeIsRefused) {
  EXPECT_THAT(
      [] {
        restore(kInCapability, kEnabledDeviceSpecific, {1, 2, 3, 4}, 0, {}, 0x00070205);
      },
      ::testing::ThrowsMessage<core::RestoreRefused>(
          HasSubstr("field 'tph_capability' at 0x104 identifies the capability")));
}

// After a reset: Control first, then each ST entry that differs as a 16-bit write, in table
// order (entry 2 is 0, as after the reset, so not written); the read-only Capability and the
// next capability's header are not disturbed.
TEST(TphWriteSequence, ControlThenDifferingTags) {
  const std::vector<std::uint8_t> none(kExtendedSize, 0);
  const plugintest::ModelImage now{image(kInCapability, 0, {0, 0, 0, 0}), writable(), none};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kTph + 0x08, Width::dword, kEnabledDeviceSpecific));
    EXPECT_CALL(obs, config_write(kTph + 0x0c, Width::word, 0x0012));
    EXPECT_CALL(obs, config_write(kTph + 0x0e, Width::word, 0x0034));
    EXPECT_CALL(obs, config_write(kTph + 0x12, Width::word, 0x0156));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<TphPlugin>(), kAddress,
      {image(kInCapability, kEnabledDeviceSpecific, {0x0012, 0x0034, 0x0, 0x0156}), writable(),
       none},
      now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::tph
