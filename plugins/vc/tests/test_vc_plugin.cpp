// Tests of the vc plugin: the port registers and VC resources of five real functions (VC and
// VC9) checked against their lspci twins; the VC Arbitration Table variant each port saves; the
// exact restore after a reset in pci_restore_vc_state's order, with the table load and the VC
// negotiation as waits in the plan; Enable restored both ways; the must-match refusals; a table a
// register places beyond configuration space left unsaved.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/model_source.hpp"
#include "dispatch/device_save.hpp"
#include "registry/metadata_check.hpp"
#include "registry/registry.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"
#include "vc_layout.hpp"
#include "vc_plugin.hpp"

namespace capstate::vc {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::disturbed_bits;
using plugintest::get;
using plugintest::put;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

std::vector<std::string> saved_vc(const std::string& dump, std::uint16_t id = kCapabilityId) {
  return plugintest::saved_fields(VcPlugin{}, dump, CapKind::extended, id);
}

// "name=0xvalue" for the arrays saved from the first device of a real dump: per array its saved
// flag and count, then its elements.
std::vector<std::string> saved_arrays(const std::string& dump, std::uint16_t id = kCapabilityId) {
  return plugintest::saved_arrays(VcPlugin{}, dump, CapKind::extended, id);
}

// No VC Arbitration Table saved: the three variants absent.
const std::vector<std::string> kNoTable{
    "vc_arbitration_128_saved=0x0", "vc_arbitration_128_dwords=0x0",
    "vc_arbitration_64_saved=0x0",  "vc_arbitration_64_dwords=0x0",
    "vc_arbitration_32_saved=0x0",  "vc_arbitration_32_dwords=0x0"};

std::vector<std::string> no_table_then(std::vector<std::string> resources) {
  std::vector<std::string> out = kNoTable;
  out.insert(out.end(), resources.begin(), resources.end());
  return out;
}

TEST(VcLayout, Validates) {
  VcPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

TEST(VcLayout, ClaimsVcAndVc9NotMfvc) {
  const PluginInfo info = VcPlugin{}.info();
  ASSERT_EQ(info.claims.size(), 3U);
  EXPECT_EQ(info.claims[0].kind, CapKind::extended);
  EXPECT_EQ(info.claims[0].id, 0x0002);
  EXPECT_EQ(info.claims[1].kind, CapKind::extended);
  EXPECT_EQ(info.claims[1].id, 0x0009);
  EXPECT_EQ(info.claims[2].kind, CapKind::extended);
  EXPECT_EQ(info.claims[2].id, 0x0008);
  EXPECT_EQ(info.restore_phase, 230);
}

// Only VC Arbitration Select and the resources' TC/VC Map, Port Arbitration Select, VC ID (and
// Enable, through the sequence) are written; the identity bits are read-only.
TEST(VcLayout, Masks) {
  EXPECT_EQ(kSchema1Fields[0].must_match, 0x00000f77U);
  EXPECT_EQ(kSchema1Fields[1].must_match, 0xff0000ffU);
  EXPECT_EQ(kSchema1Fields[2].writable, 0x000eU);
  EXPECT_EQ(kSchema1Fields[2].verify, 0x000eU);
  EXPECT_EQ(kSchema1Fields[2].transient, 0x0001U);
  EXPECT_EQ(kSchema1Fields[3].writable, 0U);
  EXPECT_EQ(kResourceFields[0].must_match, 0xff7f80ffU);
  EXPECT_EQ(kResourceFields[1].writable, 0x870e00ffU);
  EXPECT_EQ(kResourceFields[1].verify, 0x070e00ffU);
  EXPECT_EQ(kResourceFields[1].transient, 0x00010000U);
  EXPECT_EQ(kResourceFields[2].offset, 0xa);
  EXPECT_EQ(kSchema1Arrays[0].count.constant, 16U);
  EXPECT_EQ(kSchema1Arrays[1].count.constant, 8U);
  EXPECT_EQ(kSchema1Arrays[2].count.constant, 4U);
}

// PLX PEX8532 downstream port, VC at 0x148: "Caps: LPEVC=0 RefClk=100ns PATEntryBits=1" with two
// VCs (Port VC Capability 1 0x1), "Arb: Fixed+ WRR32+ WRR64- WRR128-" and a VC Arbitration Table
// at 0x148 + 7 * 16 (lspci prints it as "Port Arbitration Table [1b8] <?>"; Capability 2
// 0x07000003), "Ctrl: ArbSelect=Fixed", "Status: InProgress-". No low-priority VC, so no table
// is saved (the kernel saves none either). VC0 "Arb: Fixed+", "Ctrl: Enable+ ID=0
// ArbSelect=Fixed TC/VC=ff"; VC1 "Arb: Fixed+", "Ctrl: Enable- ID=1 ArbSelect=Fixed TC/VC=00",
// both "Status: NegoPending- InProgress-".
TEST(VcRealDumps, Pex8532DownstreamPortTwoVcsSecondDisabled) {
  const std::string dump = "plx-pex8532-switch-downstream-port-slot.xxxx.txt";
  EXPECT_THAT(saved_vc(dump), ElementsAre("port_capability1=0x1", "port_capability2=0x7000003",
                                          "port_control=0x0", "port_status=0x0"));
  EXPECT_EQ(saved_arrays(dump),
            no_table_then({"resources_saved=0x1", "resources=0x2", "resource[0].capability=0x1",
                           "resource[0].control=0x800000ff", "resource[0].status=0x0",
                           "resource[1].capability=0x1", "resource[1].control=0x1000000",
                           "resource[1].status=0x0"}));
}

// PLX PEX8796 upstream port, VC at 0x148: "Caps: LPEVC=0 RefClk=100ns PATEntryBits=8" (entry
// size 3: 0xc00), "Arb: Fixed- WRR32- WRR64- WRR128-"; VC0 "Caps: PATOffset=03 MaxTimeSlots=1"
// with "Arb: ... WRR64+" (0x03000004: a port arbitration table at 0x178, not saved), "Ctrl:
// Enable+ ID=0 ArbSelect=WRR64 TC/VC=01" (select 2 in bits 19:17).
TEST(VcRealDumps, Pex8796UpstreamPortWithAPortArbitrationTable) {
  const std::string dump = "plx-pex8796-switch-upstream-port.xxxx.txt";
  EXPECT_THAT(saved_vc(dump), ElementsAre("port_capability1=0xc00", "port_capability2=0x0",
                                          "port_control=0x0", "port_status=0x0"));
  EXPECT_EQ(
      saved_arrays(dump),
      no_table_then({"resources_saved=0x1", "resources=0x1", "resource[0].capability=0x3000004",
                     "resource[0].control=0x80040001", "resource[0].status=0x0"}));
}

// Intel DSA 0b25, VC at 0x170: "Caps: LPEVC=1 RefClk=100ns PATEntryBits=1" (two VCs, one low
// priority: 0x11), "Arb: Fixed+ WRR32- WRR64- WRR128-" and no table offset (0x1): no table.
// VC0 "Ctrl: Enable+ ID=0 ArbSelect=Fixed TC/VC=fd", VC1 "Ctrl: Enable+ ID=1 ArbSelect=Fixed
// TC/VC=02".
TEST(VcRealDumps, IntelDsaLowPriorityVcWithoutTable) {
  const std::string dump = "intel-dsa-0b25-dvsec-pasid-pri.xxxx.txt";
  EXPECT_THAT(saved_vc(dump), ElementsAre("port_capability1=0x11", "port_capability2=0x1",
                                          "port_control=0x0", "port_status=0x0"));
  EXPECT_EQ(saved_arrays(dump),
            no_table_then({"resources_saved=0x1", "resources=0x2", "resource[0].capability=0x0",
                           "resource[0].control=0x800000fd", "resource[0].status=0x0",
                           "resource[1].capability=0x0", "resource[1].control=0x81000002",
                           "resource[1].status=0x0"}));
}

// Intel 0d93 CXL test device: MFVC at 0x200 (not claimed) and so its VC at 0x300 has ID 0x0009
// (lspci: "[300 v1] Virtual Channel"): "Caps: LPEVC=0", "Arb: Fixed- ...", VC0 "Ctrl: Enable+
// ID=0 ArbSelect=Fixed TC/VC=ff".
TEST(VcRealDumps, Intel0d93Vc9) {
  const std::string dump = "intel-0d93-cxl-test-device-sriov-ptm.xxxx.txt";
  EXPECT_THAT(saved_vc(dump, kVc9CapabilityId),
              ElementsAre("port_capability1=0x0", "port_capability2=0x0", "port_control=0x0",
                          "port_status=0x0"));
  EXPECT_EQ(saved_arrays(dump, kVc9CapabilityId),
            no_table_then({"resources_saved=0x1", "resources=0x1", "resource[0].capability=0x0",
                           "resource[0].control=0x800000ff", "resource[0].status=0x0"}));
}

// NVIDIA GP108M endpoint, VC at 0x100: one VC, "Ctrl: Enable+ ID=0 ArbSelect=Fixed TC/VC=ff".
TEST(VcRealDumps, NvidiaEndpointOneVc) {
  const std::string dump = "nvidia-gp108m-mx150-gpu-vsec.xxxx.txt";
  EXPECT_THAT(saved_vc(dump), ElementsAre("port_capability1=0x0", "port_capability2=0x0",
                                          "port_control=0x0", "port_status=0x0"));
  EXPECT_EQ(saved_arrays(dump),
            no_table_then({"resources_saved=0x1", "resources=0x1", "resource[0].capability=0x0",
                           "resource[0].control=0x800000ff", "resource[0].status=0x0"}));
}

// A model port: VC (or VC9) at 0x100, last in the list; two VCs, one low priority, WRR with 32
// and 64 phases and a VC Arbitration Table at +0x30 (64 phases: 8 dwords, 0x130..0x14f).
struct Port {
  std::uint16_t id = kCapabilityId;
  std::uint32_t cap1 = 0x00000011;
  std::uint32_t cap2 = 0x03000007;
  std::uint16_t control = 0;
  std::uint16_t status = 0;
  std::array<std::uint32_t, 2> res_cap{0x00000001, 0x00000001};
  std::array<std::uint32_t, 2> res_control{0x800000ff, 0x01000000};
  std::array<std::uint32_t, 16> table{};
};

constexpr core::PciAddress kAddress{0, 0x12, 0x08, 0};
constexpr std::uint16_t kVc = 0x100;

plugintest::ModelImage model(const Port& p) {
  plugintest::ModelImage m{
      plugintest::extended_capability_model(
          {.ids = 0x853210b5, .class_rev = 0x060400bc, .header_type = 0x01, .at = kVc, .id = p.id}),
      std::vector<std::uint8_t>(kExtendedSize, 0), std::vector<std::uint8_t>(kExtendedSize, 0)};
  put(m.config, kVc + 0x04, p.cap1, 4);
  put(m.config, kVc + 0x08, p.cap2, 4);
  put(m.config, kVc + 0x0c, p.control, 2);
  put(m.config, kVc + 0x0e, p.status, 2);
  put(m.writable, kVc + 0x0c, kVcArbSelect, 2);
  for (unsigned i = 0; i < 2; ++i) {
    put(m.config, kVc + 0x10 + 0x0c * i, p.res_cap[i], 4);
    put(m.config, kVc + 0x14 + 0x0c * i, p.res_control[i], 4);
  }
  // VC0: TC0 always maps to it, its ID is 0 and it is always enabled (read-only).
  put(m.writable, kVc + 0x14, 0x000e00fe, 4);
  put(m.writable, kVc + 0x20, kControlRestored | kVcEnable, 4);
  for (unsigned i = 0; i < p.table.size(); ++i) {
    put(m.config, kVc + 0x30 + 4 * i, p.table[i], 4);
    put(m.writable, kVc + 0x30 + 4 * i, 0xffffffff, 4);
  }
  return m;
}

// As saved: WRR64 selected (select 2), TC0-3 on VC0 and TC4-7 on VC1 (enabled), and a table
// giving alternate phases to VC0 and VC1 with every fourth phase to VC1 again.
Port configured() {
  Port p;
  p.control = 0x0004;
  p.res_control = {0x8000000f, 0x810000f0};
  for (unsigned i = 0; i < 8; ++i) {
    p.table[i] = i % 2 == 0 ? 0x10101010 : 0x11101110;
  }
  return p;
}

// After a reset: hardware-fixed arbitration, every TC on VC0, VC1 disabled, the table cleared.
Port after_reset() {
  return Port{};
}

plugintest::ModelRestore restore(const Port& saved, const Port& now) {
  return plugintest::save_and_restore(std::make_shared<VcPlugin>(), kAddress, model(saved),
                                      model(now));
}

// The saved arrays of a model port (the variant and its dwords).
std::vector<std::string> model_arrays(const Port& p) {
  const auto registry = core::Registry::from_plugins({std::make_shared<VcPlugin>()});
  core::ModelSource source;
  const plugintest::ModelImage m = model(p);
  source.add(kAddress, m.config, m.writable, m.w1c);
  core::Device device = source.open(kAddress);
  core::SaveReport report;
  const core::DeviceSection section = core::save_device(device, registry, {}, report);
  EXPECT_EQ(section.records.size(), 1U);
  std::vector<std::string> out = plugintest::extra_values(VcPlugin{}, section.records.at(0));
  out.insert(out.end(), report.warnings.begin(), report.warnings.end());
  return out;
}

// The planned write named `name` (made or not), or nullopt.
std::optional<core::PlannedWrite> planned(const plugintest::ModelRestore& r,
                                          const std::string& name) {
  for (const core::PlannedWrite& w : r.plan.writes) {
    if (w.name == name) {
      return w;
    }
  }
  return std::nullopt;
}

// After a reset, in pci_restore_vc_state's order: VC Arbitration Select; the 64-phase table (8
// dwords at the offset Port VC Capability 2 gives); Load VC Arbitration Table (forced) and its
// wait; VC0's control; VC1's control without Enable, then Enable and the negotiation wait.
// Read-only bits (capabilities, VC0's Enable, ID and TC0) keep their values.
TEST(VcRestore, AfterResetWritesInTheKernelsOrder) {
  const auto r = restore(configured(), after_reset());
  EXPECT_THAT(r.writes, ElementsAre("port_control=0x4 @0x10c phase 230",
                                    "vc_arbitration_64[0].entries=0x10101010 @0x130 phase 230",
                                    "vc_arbitration_64[1].entries=0x11101110 @0x134 phase 230",
                                    "vc_arbitration_64[2].entries=0x10101010 @0x138 phase 230",
                                    "vc_arbitration_64[3].entries=0x11101110 @0x13c phase 230",
                                    "vc_arbitration_64[4].entries=0x10101010 @0x140 phase 230",
                                    "vc_arbitration_64[5].entries=0x11101110 @0x144 phase 230",
                                    "vc_arbitration_64[6].entries=0x10101010 @0x148 phase 230",
                                    "vc_arbitration_64[7].entries=0x11101110 @0x14c phase 230",
                                    "port_control (load VC arbitration table)=0x5 @0x10c phase 230",
                                    "resource[0].control=0x8000000f @0x114 phase 230",
                                    "resource[1].control=0x10000f0 @0x120 phase 230",
                                    "resource[1].control (enable)=0x810000f0 @0x120 phase 230"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kVc + 0x0c, 2), 0x0004U);
  EXPECT_EQ(get(r.bytes, kVc + 0x14, 4), 0x8000000fU);
  EXPECT_EQ(get(r.bytes, kVc + 0x20, 4), 0x810000f0U);
  EXPECT_EQ(get(r.bytes, kVc + 0x30, 4), 0x10101010U);
  EXPECT_EQ(get(r.bytes, kVc + 0x4c, 4), 0x11101110U);
  EXPECT_EQ(get(r.bytes, kVc + 0x50, 4), 0U);  // beyond the 64-phase table
  EXPECT_EQ(get(r.bytes, kVc + 0x04, 4), 0x11U);
  EXPECT_EQ(get(r.bytes, kVc + 0x08, 4), 0x03000007U);
}

// The table load and the VC negotiation are waits of the plan: Port VC Status bit 0 and VC1's
// Resource Status bit 1 polled until 0, 700 ms at most (the kernel's pci_wait_for_pending).
TEST(VcRestore, TableLoadAndNegotiationAreWaitsInThePlan) {
  const auto r = restore(configured(), after_reset());
  const auto load = planned(r, "port_control (load VC arbitration table)");
  ASSERT_TRUE(load.has_value());
  EXPECT_TRUE(load->forced);
  EXPECT_EQ(load->verify, 0U);
  ASSERT_TRUE(load->wait.has_value());
  EXPECT_EQ(load->wait->name, "vc_arbitration_table_loaded");
  EXPECT_EQ(load->wait->offset, 0x10e);
  EXPECT_EQ(load->wait->width, Width::word);
  EXPECT_EQ(load->wait->mask, 0x1U);
  EXPECT_EQ(load->wait->value, 0U);
  EXPECT_EQ(load->wait->timeout_us, 700000U);
  const auto enable = planned(r, "resource[1].control (enable)");
  ASSERT_TRUE(enable.has_value());
  EXPECT_EQ(enable->verify, 0x870e00ffU);
  ASSERT_TRUE(enable->wait.has_value());
  EXPECT_EQ(enable->wait->name, "vc_resource1_negotiated");
  EXPECT_EQ(enable->wait->offset, 0x126);
  EXPECT_EQ(enable->wait->mask, 0x2U);
  EXPECT_EQ(enable->wait->value, 0U);
  EXPECT_EQ(enable->wait->timeout_us, 700000U);
  // Only those two steps wait.
  const auto waits = std::count_if(r.plan.writes.begin(), r.plan.writes.end(),
                                   [](const core::PlannedWrite& w) { return w.wait.has_value(); });
  EXPECT_EQ(waits, 2);
}

// The device already holds everything: only the table load is made (forced, as the kernel always
// loads a saved table).
TEST(VcRestore, UnchangedDeviceOnlyReloadsTheTable) {
  const auto r = restore(configured(), configured());
  EXPECT_THAT(r.writes,
              ElementsAre("port_control (load VC arbitration table)=0x5 @0x10c phase 230"));
  EXPECT_THAT(r.mismatches, IsEmpty());
}

// Without a table (no low-priority VC, like the PEX8532) nothing is loaded; a VC enabled now but
// disabled when saved is disabled again, after its other bits, and its negotiation awaited.
TEST(VcRestore, SavedDisabledVcIsDisabledAndNoTableIsLoaded) {
  Port saved;
  saved.cap1 = 0x1;
  saved.cap2 = 0x07000003;
  saved.res_control = {0x800000ff, 0x01000000};
  Port now = saved;
  now.res_control = {0x8000000f, 0x810000f0};
  const auto r = restore(saved, now);
  EXPECT_THAT(r.writes, ElementsAre("resource[0].control=0x800000ff @0x114 phase 230",
                                    "resource[1].control=0x81000000 @0x120 phase 230",
                                    "resource[1].control (disable)=0x1000000 @0x120 phase 230"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kVc + 0x20, 4), 0x01000000U);
}

// VC0's Enable is hardwired to 1 on hardware; an image that reads it as 0 (a dump restored into,
// a clobbered copy) gets it back from VC0's one control write, with no negotiation wait.
TEST(VcRestore, Vc0EnableComesBackWithItsOneWrite) {
  Port cleared = configured();
  cleared.res_control[0] = 0x0000000f;
  plugintest::ModelImage now = model(cleared);
  put(now.writable, kVc + 0x14, 0x000e00fe | kVcEnable, 4);
  const auto r = plugintest::save_and_restore(std::make_shared<VcPlugin>(), kAddress,
                                              model(configured()), now);
  EXPECT_THAT(r.writes, ElementsAre("port_control (load VC arbitration table)=0x5 @0x10c phase 230",
                                    "resource[0].control=0x8000000f @0x114 phase 230"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kVc + 0x14, 4), 0x8000000fU);
  const auto vc0 = planned(r, "resource[0].control");
  ASSERT_TRUE(vc0.has_value());
  EXPECT_FALSE(vc0->wait.has_value());
}

// VC9 (a function with MFVC) has the same registers and the same restore.
TEST(VcRestore, Vc9IsRestoredTheSameWay) {
  Port saved = configured();
  saved.id = kVc9CapabilityId;
  Port now = after_reset();
  now.id = kVc9CapabilityId;
  const auto r = restore(saved, now);
  ASSERT_EQ(r.writes.size(), 13U);
  EXPECT_EQ(r.writes.front(), "port_control=0x4 @0x10c phase 230");
  EXPECT_EQ(r.writes.back(), "resource[1].control (enable)=0x810000f0 @0x120 phase 230");
  EXPECT_THAT(r.mismatches, IsEmpty());
}

// The table variant follows the most phases Port VC Capability 2 advertises (bits 3:1): 128
// phases 16 dwords, 64 phases 8, 32 phases 4; none without a low-priority VC, a table offset or
// a WRR scheme.
TEST(VcSave, TableVariantFollowsTheMostPhasesAdvertised) {
  Port p;
  p.cap2 = 0x0300000f;  // 32, 64 and 128 phases
  for (unsigned i = 0; i < 16; ++i) {
    p.table[i] = 0x01010101U * i;
  }
  const auto all = model_arrays(p);
  EXPECT_THAT(
      std::vector<std::string>(all.begin(), all.begin() + 4),
      ElementsAre("vc_arbitration_128_saved=0x1", "vc_arbitration_128_dwords=0x10",
                  "vc_arbitration_128[0].entries=0x0", "vc_arbitration_128[1].entries=0x1010101"));
  EXPECT_EQ(all.at(17), "vc_arbitration_128[15].entries=0xf0f0f0f");
  EXPECT_EQ(all.at(18), "vc_arbitration_64_saved=0x0");
  EXPECT_EQ(all.at(20), "vc_arbitration_32_saved=0x0");
  p.cap2 = 0x03000003;  // 32 phases
  const auto small = model_arrays(p);
  EXPECT_THAT(
      std::vector<std::string>(small.begin(), small.begin() + 10),
      ElementsAre("vc_arbitration_128_saved=0x0", "vc_arbitration_128_dwords=0x0",
                  "vc_arbitration_64_saved=0x0", "vc_arbitration_64_dwords=0x0",
                  "vc_arbitration_32_saved=0x1", "vc_arbitration_32_dwords=0x4",
                  "vc_arbitration_32[0].entries=0x0", "vc_arbitration_32[1].entries=0x1010101",
                  "vc_arbitration_32[2].entries=0x2020202",
                  "vc_arbitration_32[3].entries=0x3030303"));
  for (const std::uint32_t cap2 : {0x03000001U, 0x00000007U}) {
    p.cap2 = cap2;  // hardware-fixed only; no table offset
    const auto none = model_arrays(p);
    EXPECT_EQ(std::vector<std::string>(none.begin(), none.begin() + 6), kNoTable) << cap2;
  }
  p.cap2 = 0x03000007;
  p.cap1 = 0x01;  // no low-priority VC
  const auto no_lpvc = model_arrays(p);
  EXPECT_EQ(std::vector<std::string>(no_lpvc.begin(), no_lpvc.begin() + 6), kNoTable);
}

// A table offset that puts the table beyond configuration space (VC at 0x100, offset 0xff: 0x10f0)
// leaves the table unsaved with a warning; the resources are saved and the restore loads nothing.
TEST(VcSave, TableBeyondConfigurationSpaceIsNotSaved) {
  Port p = configured();
  p.cap2 = 0xff000007;
  const auto values = model_arrays(p);
  EXPECT_EQ(values.at(2), "vc_arbitration_64_saved=0x0");
  EXPECT_EQ(values.at(3), "vc_arbitration_64_dwords=0x8");
  EXPECT_EQ(values.back(),
            "0000:12:08.0: extended capability 0x0002 at 0x100 array 'vc_arbitration_64' of "
            "plugin 'vc' not saved: field 'port_capability2' places its 8 elements of 4 bytes at "
            "0x10f0..0x110f, outside configuration space 0x100..0xfff of extended capability "
            "0x0002 at 0x100");
  Port now = after_reset();
  now.cap2 = p.cap2;
  const auto r = restore(p, now);
  EXPECT_THAT(r.writes, ElementsAre("port_control=0x4 @0x10c phase 230",
                                    "resource[0].control=0x8000000f @0x114 phase 230",
                                    "resource[1].control=0x10000f0 @0x120 phase 230",
                                    "resource[1].control (enable)=0x810000f0 @0x120 phase 230"));
}

// Another VC count, arbitration capability or table offset is another port: refused by the
// engine before any write.
TEST(VcRestore, OtherPortCapabilitiesAreRefused) {
  Port other = after_reset();
  other.cap1 = 0x01;  // no low-priority VC
  EXPECT_THAT([&] { restore(configured(), other); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'port_capability1' at 0x104 identifies the capability")));
  other = after_reset();
  other.cap2 = 0x04000007;  // the table elsewhere
  EXPECT_THAT([&] { restore(configured(), other); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'port_capability2' at 0x108 identifies the capability")));
}

// A resource's capability (port arbitration schemes, time slots, table offset) must match too:
// the engine refuses, naming the resource, before anything is planned.
TEST(VcRestore, OtherResourceCapabilityIsRefused) {
  Port other = after_reset();
  other.res_cap[1] = 0x00000003;
  EXPECT_THAT(
      [&] { restore(configured(), other); },
      ::testing::ThrowsMessage<core::RestoreRefused>(AllOf(
          HasSubstr("(plugin 'vc')"),
          HasSubstr("field 'resource[1].capability' at 0x11c identifies the capability, and the "
                    "device holds 0x3 in its bits 0xff7f80ff where 0x1 was saved"),
          HasSubstr("nothing was written"))));
}

// After a reset: VC Arbitration Select, the 8 table dwords, the forced table load (then its
// wait), VC0's control, VC1's control with Enable still 0, then VC1's Enable (then its wait).
// The read-only bits (VC0's Enable, ID and TC0, the capabilities) are not disturbed.
TEST(VcWriteSequence, ArbitrationSelectTableLoadThenResourcesEnableLast) {
  const Port saved = configured();
  const plugintest::ModelImage now = model(after_reset());
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kVc + 0x0c, Width::word, saved.control));
    for (unsigned i = 0; i < 8; ++i) {
      EXPECT_CALL(obs, config_write(kVc + 0x30 + 4 * i, Width::dword, saved.table[i]));
    }
    EXPECT_CALL(obs, config_write(kVc + 0x0c, Width::word, saved.control | kLoadVcArbTable));
    EXPECT_CALL(obs, config_write(kVc + 0x14, Width::dword, saved.res_control[0]));
    EXPECT_CALL(obs, config_write(kVc + 0x20, Width::dword, saved.res_control[1] & ~kVcEnable));
    EXPECT_CALL(obs, config_write(kVc + 0x20, Width::dword, saved.res_control[1]));
  }
  const auto r =
      plugintest::save_and_restore(std::make_shared<VcPlugin>(), kAddress, model(saved), now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::vc
