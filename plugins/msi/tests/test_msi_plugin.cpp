// Tests of the msi plugin: its variants on three real devices, the exact restore sequence on a
// model device, Enable off before a changed message, and must-match refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "msi_layout.hpp"
#include "msi_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::msi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using plugintest::disturbed_bits;
using plugintest::get;
using plugintest::put;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

// The present fields (name=value) of the MSI record saved from a real dump.
std::vector<std::string> saved_msi(const std::string& dump) {
  return plugintest::saved_present_fields(MsiPlugin{}, dump, CapKind::standard, kCapabilityId);
}

TEST(MsiLayout, ValidatesWithItsVariants) {
  MsiPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// I350 at 0x50: 64-bit, maskable, disabled, never programmed.
TEST(MsiRealDumps, SixtyFourBitMaskable) {
  EXPECT_THAT(saved_msi("intel-i350-gbe-sriov-tph.xxxx.txt"),
              ElementsAre("address_lo=0x0", "address_hi=0x0", "data_64=0x0", "mask_64=0x0",
                          "message_control=0x180"));
}

// Sky Lake-E root port at 0x60: 32-bit, maskable, enabled with 1 of 2 vectors, vector 1 masked.
TEST(MsiRealDumps, ThirtyTwoBitMaskable) {
  EXPECT_THAT(
      saved_msi("intel-skylake-sp-pcie-root-port-vsec.xxxx.txt"),
      ElementsAre("address_lo=0xfee00038", "data_32=0x0", "mask_32=0x2", "message_control=0x103"));
}

// Cannon Point root port at 0x80: 32-bit, not maskable, enabled.
TEST(MsiRealDumps, ThirtyTwoBitWithoutMasking) {
  EXPECT_THAT(saved_msi("intel-cannonpoint-lp-pcie-root-port-dpc-ptm.xxxx.txt"),
              ElementsAre("address_lo=0xfee00238", "data_32=0x0", "message_control=0x1"));
}

constexpr core::PciAddress kAddress{0, 1, 0, 0};
constexpr std::uint16_t kMsi = 0x50;

// A model device with MSI at 0x50 whose control word is `control`.
std::vector<std::uint8_t> image(std::uint16_t control, std::uint32_t lo, std::uint32_t hi,
                                std::uint16_t data, std::uint32_t mask) {
  std::vector<std::uint8_t> b(kConventionalSize, 0);
  put(b, 0x00, 0x10d38086, 4);
  put(b, 0x06, 0x0010, 2);
  put(b, 0x08, 0x02000000, 4);
  put(b, 0x34, kMsi, 1);
  put(b, kMsi, 0x0005, 2);
  put(b, kMsi + 2, control, 2);
  put(b, kMsi + 4, lo, 4);
  const bool wide = (control & k64Bit) != 0;
  if (wide) {
    put(b, kMsi + 8, hi, 4);
  }
  put(b, kMsi + (wide ? 0x0c : 0x08), data, 2);
  put(b, kMsi + (wide ? 0x10 : 0x0c), mask, 4);
  return b;
}

std::vector<std::uint8_t> writable(std::uint16_t control) {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  const bool wide = (control & k64Bit) != 0;
  const auto ones = [&](std::size_t at, unsigned n) {
    std::fill_n(w.begin() + static_cast<std::ptrdiff_t>(at), n, 0xff);
  };
  w[kMsi + 2] = 0x71;  // Enable, Multiple Message Enable
  ones(kMsi + 4, 4);
  ones(kMsi + 8, wide ? 6 : 2);
  ones(kMsi + (wide ? 0x10 : 0x0c), 4);
  return w;
}

struct Restored {
  std::vector<std::string> writes;  // "name 0xoffset=0xvalue" in execution order
  std::vector<std::uint8_t> bytes;  // the device afterwards
  std::vector<std::string> mismatches;
};

Restored restore(std::uint16_t saved_control, std::uint16_t now_control, std::uint32_t now_lo) {
  const std::vector<std::uint8_t> none(kConventionalSize, 0);
  const plugintest::ModelRestore m = plugintest::save_and_restore(
      std::make_shared<MsiPlugin>(), kAddress,
      {image(saved_control, 0xfee01004, 0x1, 0x4041, 0x6), writable(saved_control), none},
      {image(now_control, now_lo, 0, 0, 0), writable(now_control), none});
  return {plugintest::offset_writes(m.plan), m.bytes, m.mismatches};
}

// After a reset: MSI off, message gone. Address, data and mask first; Message Control last.
TEST(MsiRestore, SixtyFourBitAfterAResetWritesEnableLast) {
  const std::uint16_t caps = k64Bit | kMaskable | 0x0004;
  const Restored r = restore(caps | kEnable | 0x0020, caps, 0);
  EXPECT_THAT(r.writes, ElementsAre("address_lo 0x054=0xfee01004", "address_hi 0x058=0x1",
                                    "data_64 0x05c=0x4041", "mask_64 0x060=0x6",
                                    "message_control 0x052=0x1a5"));
  EXPECT_THAT(r.mismatches, ::testing::IsEmpty());
  EXPECT_EQ(r.bytes[kMsi + 2], 0xa5);  // Enable, 4 vectors enabled, capability bits untouched
}

TEST(MsiRestore, ThirtyTwoBitWritesDataWhereTheUpperAddressWouldBe) {
  const std::uint16_t caps = kMaskable;
  const Restored r = restore(caps | kEnable, caps, 0);
  EXPECT_THAT(r.writes, ElementsAre("address_lo 0x054=0xfee01004", "data_32 0x058=0x4041",
                                    "mask_32 0x05c=0x6", "message_control 0x052=0x101"));
  EXPECT_THAT(r.mismatches, ::testing::IsEmpty());
}

// MSI still enabled with another address: Enable goes off before the message is rewritten.
TEST(MsiRestore, AnEnabledStaleMessageIsDisabledFirst) {
  const std::uint16_t caps = 0x0000;
  const Restored r = restore(caps | kEnable, caps | kEnable, 0xfee0f000);
  EXPECT_THAT(r.writes,
              ElementsAre("message_control (enable off) 0x052=0x0", "address_lo 0x054=0xfee01004",
                          "data_32 0x058=0x4041", "message_control 0x052=0x1"));
  EXPECT_THAT(r.mismatches, ::testing::IsEmpty());
}

TEST(MsiRestore, ADifferentDataAloneStillTurnsEnableOffFirst) {
  const std::uint16_t caps = 0x0000;
  const Restored r = restore(caps | kEnable, caps | kEnable, 0xfee01004);
  // The address matches; data 0x4041 differs from the model's 0, so MSI goes off around it.
  EXPECT_THAT(r.writes, ElementsAre("message_control (enable off) 0x052=0x0",
                                    "data_32 0x058=0x4041", "message_control 0x052=0x1"));
}

TEST(MsiRestore, ADifferentFormIsRefusedBeforeAnyWrite) {
  EXPECT_THAT([] { restore(k64Bit | kEnable, 0x0000, 0); },
              ::testing::ThrowsMessage<core::RestoreRefused>(::testing::AllOf(
                  HasSubstr("field 'message_control' at 0x052 identifies the capability"),
                  HasSubstr("nothing was written"))));
}

// MSI still enabled with a stale message: Message Control with Enable off first (Multiple Message
// Enable kept), then address and data, then the saved Message Control last; the read-only
// capability bits (64-bit, per-vector masking, Multiple Message Capable) are written as read.
TEST(MsiWriteSequence, EnableOffFirstMessageThenControlLast) {
  const std::uint16_t caps = k64Bit | kMaskable | 0x0004;  // 4 vectors capable
  const std::uint16_t saved_control = caps | kEnable | 0x0020;
  const std::vector<std::uint8_t> none(kConventionalSize, 0);
  const plugintest::ModelImage saved{image(saved_control, 0xfee01004, 0x1, 0x4041, 0x6),
                                     writable(saved_control), none};
  const plugintest::ModelImage now{image(caps | kEnable | 0x0020, 0xfee0f000, 0x1, 0x4041, 0x6),
                                   writable(caps), none};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kMsi + 2, Width::word, caps | 0x0020));  // Enable off
    EXPECT_CALL(obs, config_write(kMsi + 4, Width::dword, 0xfee01004));
    EXPECT_CALL(obs, config_write(kMsi + 2, Width::word, saved_control));
  }
  const plugintest::ModelRestore r =
      plugintest::save_and_restore(std::make_shared<MsiPlugin>(), kAddress, saved, now, obs);
  EXPECT_THAT(r.mismatches, ::testing::IsEmpty());
  EXPECT_EQ(get(r.bytes, kMsi + 2, 2), saved_control);
  EXPECT_EQ(get(r.bytes, kMsi + 4, 4), 0xfee01004U);
  EXPECT_THAT(disturbed_bits(now, r.bytes), ::testing::IsEmpty());
}

}  // namespace
}  // namespace capstate::msi
