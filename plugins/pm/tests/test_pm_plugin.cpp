// Tests of the pm plugin: PMC and PMCSR on real devices, D0 before anything else with the delay
// the state needs, PME_Status never written as 1, and later writes made after a soft reset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "pm_layout.hpp"
#include "pm_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::pm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::disturbed_bits;
using plugintest::get;
using plugintest::put;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

std::vector<std::string> saved_pm(const std::string& dump) {
  return plugintest::saved_fields(PmPlugin{}, dump, CapKind::standard, kCapabilityId);
}

TEST(PmLayout, Validates) {
  PmPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Toshiba NVMe, PM at 0x80: "version 3 ... D1- D2-", "Status: D0 NoSoftRst+ PME-Enable- DSel=0".
TEST(PmRealDumps, NvmeInD0WithNoSoftReset) {
  EXPECT_THAT(saved_pm("toshiba-nvme-ssd-l1ss-ltr.xxxx.txt"), ElementsAre("pmc=0x3", "pmcsr=0x8"));
}

// PLX downstream port: "version 1", "PME(D0+,D1-,D2-,D3hot+,D3cold+)", "Status: D0 NoSoftRst-
// PME-Enable-".
TEST(PmRealDumps, SwitchPortThatCanWakeFromD3) {
  EXPECT_THAT(saved_pm("plx-pex8532-switch-downstream-port-slot.xxxx.txt"),
              ElementsAre("pmc=0xc801", "pmcsr=0x0"));
}

constexpr core::PciAddress kAddress{0, 2, 0, 0};
constexpr std::uint16_t kPm = 0x40;

std::vector<std::uint8_t> image(std::uint16_t pmcsr, std::uint16_t pmc = 0x0003) {
  std::vector<std::uint8_t> b(kConventionalSize, 0);
  put(b, 0x00, 0x15338086, 4);
  put(b, 0x06, 0x0010, 2);
  put(b, 0x08, 0x02000000, 4);
  put(b, 0x34, kPm, 1);
  put(b, kPm, 0x0001, 2);
  put(b, kPm + 2, pmc, 2);
  put(b, kPm + 4, pmcsr, 2);
  return b;
}

std::vector<std::uint8_t> writable() {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  put(w, kPm + 4, kPowerState | kPmeEnable | kDataSelect, 2);
  return w;
}

std::vector<std::uint8_t> w1c() {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  put(w, kPm + 4, kPmeStatus, 2);
  return w;
}

struct Restored {
  std::vector<std::string> writes;  // "name=0xvalue wait N[ resets]" in execution order
  std::vector<std::uint8_t> bytes;
  std::vector<std::string> mismatches;
};

Restored restore(std::uint16_t saved, std::uint16_t now_pmcsr, std::uint16_t pmc = 0x0003,
                 std::uint16_t now_pmc = 0) {
  const plugintest::ModelRestore m = plugintest::save_and_restore(
      std::make_shared<PmPlugin>(), kAddress, {image(saved, pmc), writable(), w1c()},
      {image(now_pmcsr, now_pmc != 0 ? now_pmc : pmc), writable(), w1c()});
  Restored out{{}, m.bytes, m.mismatches};
  for (const core::PlannedWrite& w : m.plan.writes) {
    if (w.write) {
      char text[96];
      std::snprintf(text, sizeof text, "%s=0x%x wait %u%s", w.name.c_str(), w.value, w.delay_us,
                    w.resets ? " resets" : "");
      out.writes.push_back(text);
    }
  }
  return out;
}

// D3hot with PME_Status set: D0 first (PME_Status written as 0, so kept), 10 ms, a soft reset
// declared (No_Soft_Reset is 0), then PME_En and Data_Select.
TEST(PmRestore, FromD3hotToD0FirstThenPmeEnable) {
  const Restored r = restore(kPmeEnable | 0x0200, kPmeStatus | 0x0003);
  EXPECT_THAT(r.writes, ElementsAre("pmcsr (to D0)=0x0 wait 10000 resets", "pmcsr=0x300 wait 0"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(r.bytes[kPm + 4], 0x00);  // D0
  EXPECT_EQ(r.bytes[kPm + 5], 0x83);  // PME_Status still set, PME_En and Data_Select 1 restored
}

// No_Soft_Reset: the function keeps its state, no reset declared.
TEST(PmRestore, NoSoftResetKeepsLaterWritesAsPlanned) {
  const Restored r = restore(kNoSoftReset, kNoSoftReset | 0x0003);
  EXPECT_THAT(r.writes, ElementsAre("pmcsr (to D0)=0x8 wait 10000"));
}

// D2 needs 200 us.
TEST(PmRestore, FromD2Waits200Microseconds) {
  const Restored r = restore(0x0000, 0x0002, 0x0403);
  EXPECT_THAT(r.writes, ElementsAre("pmcsr (to D0)=0x0 wait 200"));
}

// Already in D0 with the saved PME_En: nothing to write, PME_Status left set.
TEST(PmRestore, InD0NothingIsWritten) {
  const Restored r = restore(kPmeEnable, kPmeEnable | kPmeStatus);
  EXPECT_THAT(r.writes, IsEmpty());
}

// The saved PME_Status (set at save time) is never written back as 1.
TEST(PmRestore, PmeStatusIsNeverWrittenAsOne) {
  const Restored r = restore(kPmeStatus | kPmeEnable, kPmeStatus);
  EXPECT_THAT(r.writes, ElementsAre("pmcsr=0x100 wait 0"));
  EXPECT_EQ(r.bytes[kPm + 5], 0x81);
}

// PMC's version and D1/D2 support identify the capability; another PMC is refused.
TEST(PmRestore, AnotherPmVersionIsRefused) {
  EXPECT_THAT([] { restore(0, 0x0003, 0x0003, 0x0002); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'pmc' at 0x042 identifies the capability")));
}

// From D3hot with PME_Status set (and the read-only Data_Scale 1): the D0 transition is the first
// write, with PME_Status written as 0 and PME_En and Data_Select as they are (0); then PME_En and
// Data_Select 1. Data_Scale is written as read and PME_Status stays set.
TEST(PmWriteSequence, D0TransitionComesFirstThenPmeEnable) {
  constexpr std::uint16_t kDataScale1 = 0x2000;  // read-only Data_Scale bits 14:13
  const plugintest::ModelImage saved{image(kDataScale1 | kPmeEnable | 0x0200), writable(), w1c()};
  const plugintest::ModelImage now{image(kDataScale1 | kPmeStatus | 0x0003), writable(), w1c()};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kPm + 4, Width::word, kDataScale1));  // to D0, PME_Status 0
    EXPECT_CALL(obs, config_write(kPm + 4, Width::word, kDataScale1 | kPmeEnable | 0x0200));
  }
  const plugintest::ModelRestore r =
      plugintest::save_and_restore(std::make_shared<PmPlugin>(), kAddress, saved, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPm + 4, 2), kPmeStatus | kDataScale1 | kPmeEnable | 0x0200);
  EXPECT_EQ(get(r.bytes, kPm + 2, 2), 0x0003U);  // PMC (read-only) as it was
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::pm
