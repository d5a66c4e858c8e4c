// A register restored in two phases (Link Control, then its ASPM bits), and phase order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<const core::PlannedWrite*> writes_at(const DevicePlan& plan, std::uint64_t offset) {
  std::vector<const core::PlannedWrite*> out;
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.target == Target::config && w.offset == offset) {
      out.push_back(&w);
    }
  }
  return out;
}

// The port with default values except Link Control, which holds `lnkctl`.
Image port_with_link_control(std::uint16_t lnkctl) {
  PortValues now;
  now.lnkctl = lnkctl;
  return port_image(now);
}

// Saved LNKCTL 0x0043 (ASPM L0s+L1, common clock); the device holds 0x0081 (ASPM L0s only,
// extended synch): both the ASPM bits and other writable bits differ.
TEST(RestoreTwoPhase, LinkControlIsWrittenTwiceAndTheSecondWriteKeepsTheFirst) {
  PortRestore port(shipped(), port_with_link_control(0x0081));
  const DevicePlan plan = port.plan();
  const auto lnk = writes_at(plan, kLnkCtl);
  ASSERT_EQ(lnk.size(), 2U);
  EXPECT_EQ(lnk[0]->name, "link_control");
  EXPECT_EQ(lnk[0]->phase, 200U);
  EXPECT_EQ(lnk[0]->mask, 0x0fc8U);
  EXPECT_EQ(lnk[0]->current, 0x0081U);
  EXPECT_EQ(lnk[0]->value, 0x0041U);  // extended synch off, common clock on, ASPM untouched
  EXPECT_TRUE(lnk[0]->write);
  EXPECT_EQ(lnk[1]->name, "link_control_aspm");
  EXPECT_EQ(lnk[1]->phase, 500U);
  EXPECT_EQ(lnk[1]->mask, 0x0003U);
  EXPECT_EQ(lnk[1]->current, 0x0041U);  // what the first write left, not what was read
  EXPECT_EQ(lnk[1]->value, 0x0043U);    // keeps common clock from the first write
  EXPECT_TRUE(lnk[1]->write);
  const core::ApplyResult result = core::apply_plan(port.device, plan, true);
  EXPECT_EQ(value_at(port.source.bytes(kPort), kLnkCtl, Width::word), 0x0043U);
  EXPECT_THAT(result.mismatches, IsEmpty());
  EXPECT_EQ(port.source.counts(kPort).writes[1], 2U);  // only LNKCTL differed, written twice
  EXPECT_EQ(port.source.counts(kPort).total_writes(), 2U);
}

// Only the ASPM bits differ: one write, in phase 500.
TEST(RestoreTwoPhase, OnlyAspmDiffersSoOnlyThePhase500WriteHappens) {
  PortRestore port(shipped(), port_with_link_control(0x0040));
  const DevicePlan plan = port.plan();
  const auto lnk = writes_at(plan, kLnkCtl);
  ASSERT_EQ(lnk.size(), 2U);
  EXPECT_FALSE(lnk[0]->write);
  EXPECT_TRUE(lnk[1]->write);
  EXPECT_EQ(lnk[1]->value, 0x0043U);
  const core::ApplyResult result = core::apply_plan(port.device, plan, true);
  EXPECT_EQ(result.written, 1U);
  EXPECT_EQ(result.verified, 1U);
  EXPECT_EQ(value_at(port.source.bytes(kPort), kLnkCtl, Width::word), 0x0043U);
}

// Common clock (0x0040) does not stick on this device; the ASPM bits do. The register is
// verified once, after its last write, under both writes' verify masks.
TEST(RestoreTwoPhase, VerifyCoversTheBitsOfBothWrites) {
  Image image = port_with_link_control(0x0000);
  image.rw(kLnkCtl, Width::word, 0x0fbb);
  PortRestore port(shipped(), image);
  const core::ApplyResult result = core::apply_plan(port.device, port.plan(), true);
  EXPECT_EQ(value_at(port.source.bytes(kPort), kLnkCtl, Width::word), 0x0003U);
  EXPECT_THAT(result.mismatches,
              ElementsAre(HasSubstr("expected 0x0043, found 0x0003 (verify mask 0x0fcb)")));
}

// ltr (100) < pcie (200) < msix (300) < pcie's ASPM bits (500), records in discovery order.
TEST(RestoreTwoPhase, PhaseOrderAcrossPlugins) {
  std::vector<Entry> table_now = saved_table();
  table_now[0].data = 0;  // a changed vector: the masking sequence runs
  PortRestore port(shipped(), port_image(reset_values()), saved_table(), table_now);
  ASSERT_EQ(port.saved.records.size(), 3U);
  EXPECT_EQ(port.saved.records[0].plugin, "pcie");  // discovery order: 0x40, 0x80, then 0x100
  EXPECT_EQ(port.saved.records[1].plugin, "msix");
  EXPECT_EQ(port.saved.records[2].plugin, "ltr");
  const DevicePlan plan = port.plan();
  std::vector<std::pair<std::uint16_t, std::string>> groups;
  for (const core::PlannedWrite& w : plan.writes) {
    if (groups.empty() || groups.back() != std::pair{w.phase, w.plugin}) {
      groups.emplace_back(w.phase, w.plugin);
    }
  }
  using G = std::pair<std::uint16_t, std::string>;
  EXPECT_THAT(groups, ElementsAre(G{100, "ltr"}, G{200, "pcie"}, G{300, "msix"}, G{500, "pcie"}));
  ASSERT_EQ(plan.writes.size(), 1U + 6U + 1U + 16U + 1U + 1U);
  EXPECT_EQ(plan.writes.front().name, "max_latencies");
  EXPECT_EQ(plan.writes[7].name, "message_control (mask all)");
  EXPECT_EQ(plan.writes[8].name, "vector[0].address_lo");
  EXPECT_EQ(plan.writes[23].name, "vector[3].vector_control");
  EXPECT_EQ(plan.writes[24].name, "message_control");
  EXPECT_EQ(plan.writes.back().name, "link_control_aspm");
}

}  // namespace
}  // namespace capstate::restoretest
