// Tests of the rebar plugin: the Resizable BAR entries of two real devices, the BAR Size writes
// after a reset with the read-only bits untouched, and the must-match of the entry count, the
// supported sizes and the BAR Index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "rebar_layout.hpp"
#include "rebar_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::rebar {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

std::vector<std::string> saved_rebar(const std::string& dump) {
  return plugintest::saved_fields(RebarPlugin{}, dump, CapKind::extended, kCapabilityId);
}

// "name=0xvalue" for the saved entries of the first device of a real dump (the array values:
// entries_saved, entries, entry[i].field).
std::vector<std::string> saved_entries(const std::string& dump) {
  return plugintest::saved_arrays(RebarPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(RebarLayout, Validates) {
  RebarPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Only the BAR Size is restored; the supported sizes (in both registers), the BAR Index and the
// number of BARs identify an entry.
TEST(RebarLayout, Masks) {
  EXPECT_EQ(kEntryFields[0].must_match, 0xfffffff0U);
  EXPECT_EQ(kEntryFields[1].writable, 0x00003f00U);
  EXPECT_EQ(kEntryFields[1].must_match, 0xffff00e7U);
  EXPECT_EQ(kEntryFields[1].writable & kEntryFields[1].must_match, 0U);
  EXPECT_EQ(kSchema1Fields[0].writable, 0U);
}

// Navi 10 (Sapphire RX 5600 XT), Resizable BAR at 0x200, two entries: "BAR 0: current size: 8GB,
// supported: 256MB 512MB 1GB" (Capability 0x7000; Control 0x0d40: BAR 0, 2 BARs, size 13 =
// 8 GB, a size its Capability does not list: the card the kernel's rebar quirk is for) and
// "BAR 2: current size: 256MB, supported: 2MB 4MB 8MB 16MB 32MB 64MB 128MB 256MB" (Capability
// 0x1fe0; Control 0x0802: BAR 2, size 8 = 256 MB).
TEST(RebarRealDumps, Navi10TwoBars) {
  const std::string dump = "amd-navi10-rx5600xt-gpu.xxxx.txt";
  EXPECT_THAT(saved_rebar(dump), ElementsAre("rebar_entry0_control=0xd40"));
  EXPECT_THAT(saved_entries(dump),
              ElementsAre("entries_saved=0x1", "entries=0x2", "entry[0].capability=0x7000",
                          "entry[0].control=0xd40", "entry[1].capability=0x1fe0",
                          "entry[1].control=0x802"));
}

// Intel 0d93 CXL test device, Resizable BAR at 0x700, one entry: "BAR 4: current size: 16MB,
// supported: 16MB 32MB" (Capability 0x0300; Control 0x0424: BAR 4, 1 BAR, size 4 = 16 MB).
TEST(RebarRealDumps, Intel0d93OneBar) {
  const std::string dump = "intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt";
  EXPECT_THAT(saved_rebar(dump), ElementsAre("rebar_entry0_control=0x424"));
  EXPECT_THAT(saved_entries(dump),
              ElementsAre("entries_saved=0x1", "entries=0x1", "entry[0].capability=0x300",
                          "entry[0].control=0x424"));
}

constexpr core::PciAddress kAddress{0, 0x28, 0, 0};
constexpr std::uint16_t kRebar = 0x100;
// Entry 0 like the Navi 10's: BAR 0, two resizable BARs, 256 MB to 1 GB.
constexpr std::uint32_t kBar0Sizes = 0x00007000;
constexpr std::uint32_t kBar0Fixed = (2U << kBarCountShift) | 0;
// Entry 1: BAR 2, 2 MB to 256 MB.
constexpr std::uint32_t kBar2Sizes = 0x00001fe0;
constexpr std::uint32_t kBar2Fixed = 2;

// BAR Size value of a size in MB (log2 of the bytes minus 20), placed in Control.
constexpr std::uint32_t size_mb(unsigned log2_mb) {
  return std::uint32_t{log2_mb} << 8;
}

struct Entry {
  std::uint32_t capability = 0;
  std::uint32_t control = 0;
};

plugintest::ModelImage model(Entry bar0, Entry bar2) {
  // Resizable BAR v1, last in the list
  std::vector<std::uint8_t> b = plugintest::extended_capability_model(
      {.ids = 0x731f1002, .class_rev = 0x030000ca, .at = kRebar, .id = 0x0015});
  put(b, kRebar + 0x04, bar0.capability, 4);
  put(b, kRebar + 0x08, bar0.control, 4);
  put(b, kRebar + 0x0c, bar2.capability, 4);
  put(b, kRebar + 0x10, bar2.control, 4);
  std::vector<std::uint8_t> w(kExtendedSize, 0);
  put(w, kRebar + 0x08, kBarSize, 4);
  put(w, kRebar + 0x10, kBarSize, 4);
  return {b, w, std::vector<std::uint8_t>(kExtendedSize, 0)};
}

// Both BARs at their 256 MB reset size.
plugintest::ModelImage after_reset() {
  return model({kBar0Sizes, kBar0Fixed | size_mb(8)}, {kBar2Sizes, kBar2Fixed | size_mb(8)});
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(const plugintest::ModelImage& saved, const plugintest::ModelImage& now) {
  return plugintest::save_and_restore(std::make_shared<RebarPlugin>(), kAddress, saved, now);
}

// After a reset both BARs are back at 256 MB: BAR 0's 1 GB and BAR 2's 64 MB are written, one
// 32-bit write per entry in phase 235; the read-only BAR Index, BAR count and Capabilities keep
// their values.
TEST(RebarRestore, SizesAfterResetAreOneWritePerEntry) {
  const Restored r =
      restore(model({kBar0Sizes, kBar0Fixed | size_mb(10)}, {kBar2Sizes, kBar2Fixed | size_mb(6)}),
              after_reset());
  EXPECT_THAT(r.writes, ElementsAre("entry[0].control=0xa40 @0x108 phase 235",
                                    "entry[1].control=0x602 @0x110 phase 235"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kRebar + 0x08, 4), kBar0Fixed | size_mb(10));
  EXPECT_EQ(get(r.bytes, kRebar + 0x10, 4), kBar2Fixed | size_mb(6));
  EXPECT_EQ(get(r.bytes, kRebar + 0x04, 4), kBar0Sizes);
  EXPECT_EQ(get(r.bytes, kRebar + 0x0c, 4), kBar2Sizes);
}

// Only the entry whose size differs is written.
TEST(RebarRestore, OnlyTheChangedEntryIsWritten) {
  const Restored r =
      restore(model({kBar0Sizes, kBar0Fixed | size_mb(8)}, {kBar2Sizes, kBar2Fixed | size_mb(1)}),
              after_reset());
  EXPECT_THAT(r.writes, ElementsAre("entry[1].control=0x102 @0x110 phase 235"));
}

// The device already holds the saved sizes: nothing is written.
TEST(RebarRestore, UnchangedSizesAreNotWritten) {
  EXPECT_THAT(restore(after_reset(), after_reset()).writes, IsEmpty());
}

// Entry 0's Number of Resizable BARs must match (it is the number of entries saved).
TEST(RebarRestore, AnotherBarCountIsRefused) {
  EXPECT_THAT(
      [] {
        restore(after_reset(),
                model({kBar0Sizes, (1U << kBarCountShift) | size_mb(8)}, {kBar2Sizes, 0}));
      },
      ::testing::ThrowsMessage<core::RestoreRefused>(
          HasSubstr("field 'rebar_entry0_control' at 0x108 identifies the capability")));
}

// An entry's supported sizes must match: a BAR that no longer offers the saved size is refused
// before any write, naming the entry.
TEST(RebarRestore, OtherSupportedSizesAreRefused) {
  EXPECT_THAT(
      [] {
        restore(model({kBar0Sizes, kBar0Fixed | size_mb(10)}, {kBar2Sizes, kBar2Fixed}),
                model({kBar0Sizes, kBar0Fixed}, {0x00000ff0, kBar2Fixed}));
      },
      ::testing::ThrowsMessage<core::RestoreRefused>(
          AllOf(HasSubstr("(plugin 'rebar')"),
                HasSubstr("field 'entry[1].capability' at 0x10c identifies the capability, and "
                          "the device holds 0xff0 in its bits 0xfffffff0 where 0x1fe0 was saved"),
                HasSubstr("nothing was written"))));
}

// An entry's BAR Index must match: the saved size belongs to another BAR.
TEST(RebarRestore, AnotherBarIndexIsRefused) {
  EXPECT_THAT(
      [] {
        restore(after_reset(),
                model({kBar0Sizes, kBar0Fixed | size_mb(8)}, {kBar2Sizes, 4 | size_mb(8)}));
      },
      ::testing::ThrowsMessage<core::RestoreRefused>(
          HasSubstr("field 'entry[1].control' at 0x110 identifies the capability")));
}

// The larger sizes of newer functions (Control bits 31:16) are read-only and must match too.
TEST(RebarRestore, OtherLargeSizesAreRefused) {
  EXPECT_THAT(
      [] {
        restore(after_reset(), model({kBar0Sizes, 0x00010000 | kBar0Fixed | size_mb(8)},
                                     {kBar2Sizes, kBar2Fixed | size_mb(8)}));
      },
      ::testing::ThrowsMessage<core::RestoreRefused>(
          HasSubstr("field 'entry[0].control' at 0x108 identifies the capability")));
}

// After a reset both BARs are back at 256 MB: entry 0 then entry 1, one 32-bit Control write
// each, with the read-only BAR Index and BAR count as the device holds them.
TEST(RebarWriteSequence, OneWritePerEntryInEntryOrder) {
  const plugintest::ModelImage now = after_reset();
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kRebar + 0x08, Width::dword, kBar0Fixed | size_mb(10)));
    EXPECT_CALL(obs, config_write(kRebar + 0x10, Width::dword, kBar2Fixed | size_mb(6)));
  }
  const Restored r = plugintest::save_and_restore(
      std::make_shared<RebarPlugin>(), kAddress,
      model({kBar0Sizes, kBar0Fixed | size_mb(10)}, {kBar2Sizes, kBar2Fixed | size_mb(6)}), now,
      obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kRebar + 0x08, 4) & ~kBarSize,
            get(now.config, kRebar + 0x08, 4) & ~kBarSize);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::rebar
