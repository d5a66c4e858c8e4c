// The exact writes apply_plan performs for each shipped plugin, asserted with GoogleMock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "acs_plugin.hpp"
#include "dpc_plugin.hpp"
#include "mock_spaces.hpp"
#include "ptm_plugin.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::InSequence;
using ::testing::NiceMock;

/// A device over mocks holding `image` (and BAR 0 with `table`, when not empty).
struct MockDevice {
  NiceMock<MockConfigSpace>* config = nullptr;  ///< owned by device
  NiceMock<MockBarSpace>* bars = nullptr;       ///< owned by device; null without a table
  Device device;                                ///< the device handed to plan and apply

  MockDevice(const Image& image, const std::vector<Entry>& table) {
    auto cfg = std::make_unique<NiceMock<MockConfigSpace>>(image.bytes, kPort.str());
    config = cfg.get();
    device.address = kPort;
    device.config = std::move(cfg);
    if (!table.empty()) {
      auto b = std::make_unique<NiceMock<MockBarSpace>>(0x4000);
      for (std::size_t i = 0; i < table.size(); ++i) {
        b->dwords[(kTable + 16 * i) / 4 + 0] = table[i].address_lo;
        b->dwords[(kTable + 16 * i) / 4 + 1] = table[i].address_hi;
        b->dwords[(kTable + 16 * i) / 4 + 2] = table[i].data;
        b->dwords[(kTable + 16 * i) / 4 + 3] = table[i].vector_control;
      }
      bars = b.get();
      device.bars = std::move(b);
    }
  }

  /// Plans the restore of `saved`, asserting that planning writes nothing.
  DevicePlan plan(const DeviceSection& saved, const Registry& registry) {
    EXPECT_CALL(*config, do_write).Times(0);
    if (bars != nullptr) {
      EXPECT_CALL(*bars, write32).Times(0);
    }
    DevicePlan p = core::plan_restore(device, saved, registry, {});
    ::testing::Mock::VerifyAndClearExpectations(config);
    if (bars != nullptr) {
      ::testing::Mock::VerifyAndClearExpectations(bars);
    }
    return p;
  }
};

Registry only(std::shared_ptr<const Plugin> plugin) {
  return Registry::from_plugins({std::move(plugin)});
}

// After a reset the port has lost every control register; link_control2 still matches.
TEST(RestoreWriteSequence, PcieRootPortWritesEachDifferingControlRegisterThenAspm) {
  const Registry registry = only(std::make_shared<pcie::PciePlugin>());
  const DeviceSection saved = save_image(port_image({}), {}, registry);
  MockDevice dev(port_image(reset_values()), {});
  const DevicePlan plan = dev.plan(saved, registry);
  {
    InSequence in_order;
    EXPECT_CALL(*dev.config, do_write(kDevCtl, Width::word, 0x201f));   // device_control
    EXPECT_CALL(*dev.config, do_write(kLnkCtl, Width::word, 0x0040));   // link_control, no ASPM
    EXPECT_CALL(*dev.config, do_write(kSltCtl, Width::word, 0x1028));   // slot_control
    EXPECT_CALL(*dev.config, do_write(kRtCtl, Width::word, 0x000f));    // root_control
    EXPECT_CALL(*dev.config, do_write(kDevCtl2, Width::word, 0x0400));  // device_control2
    EXPECT_CALL(*dev.config, do_write(kLnkCtl, Width::word, 0x0043));   // ASPM, phase 500
  }
  const core::ApplyResult result = core::apply_plan(dev.device, plan, true);
  EXPECT_EQ(result.written, 6U);
  EXPECT_EQ(result.verified, 5U);  // LNKCTL once, after its last write
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
  EXPECT_EQ(dev.config->counts().writes[1], 6U);
}

// Schema 2 saves both latencies as one dword: restored with one 32-bit write at cap+4.
TEST(RestoreWriteSequence, LtrSchema2IsOneDwordWrite) {
  const Registry registry = only(std::make_shared<ltr::LtrPlugin>());
  const DeviceSection saved = save_image(port_image({}), {}, registry);
  ASSERT_EQ(saved.records.size(), 1U);
  EXPECT_EQ(saved.records[0].schema_version, 2U);
  MockDevice dev(port_image(reset_values()), {});
  const DevicePlan plan = dev.plan(saved, registry);
  EXPECT_CALL(*dev.config, do_write(kLtrCap + 4, Width::dword, 0x10461046)).Times(1);
  const core::ApplyResult result = core::apply_plan(dev.device, plan, true);
  EXPECT_EQ(result.written, 1U);
  EXPECT_EQ(result.verified, 1U);
  EXPECT_EQ(dev.config->counts().total_writes(), 1U);
  EXPECT_EQ(dev.config->counts().writes[2], 1U);
}

// Mask all vectors, rewrite only the differing table dwords, then Message Control last.
TEST(RestoreWriteSequence, MsixMasksAllThenWritesDifferingEntriesThenRestoresControl) {
  const Registry registry = only(std::make_shared<msix::MsixPlugin>());
  const DeviceSection saved = save_image(port_image({}), saved_table(), registry);
  // After a reset every vector is masked and entry 1 lost its address.
  std::vector<Entry> now = saved_table();
  for (Entry& e : now) {
    e.vector_control = 1;
  }
  now[1].address_lo = 0;
  MockDevice dev(port_image(reset_values()), now);
  const DevicePlan plan = dev.plan(saved, registry);
  {
    InSequence in_order;
    // message_control (mask all): Enable | Function Mask over the current 4-entry control.
    EXPECT_CALL(*dev.config, do_write(kMsixCtl, Width::word, 0xc003));
    EXPECT_CALL(*dev.bars, write32(0, kTable + 0x0c, 0x00000000));  // vector[0].vector_control
    EXPECT_CALL(*dev.bars, write32(0, kTable + 0x10, 0xfee01000));  // vector[1].address_lo
    EXPECT_CALL(*dev.bars, write32(0, kTable + 0x1c, 0x00000000));  // vector[1].vector_control
    EXPECT_CALL(*dev.bars, write32(0, kTable + 0x2c, 0x00000000));  // vector[2].vector_control
    // message_control: Enable back on, Function Mask off, last.
    EXPECT_CALL(*dev.config, do_write(kMsixCtl, Width::word, 0x8003));
  }
  const core::ApplyResult result = core::apply_plan(dev.device, plan, true);
  EXPECT_EQ(result.written, 6U);
  EXPECT_EQ(result.verified, 5U);  // four table dwords and message_control; mask-all not
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
  EXPECT_EQ(dev.bars->dwords[(kTable + 0x2c) / 4], 0U);
  EXPECT_EQ(dev.bars->dwords[(kTable + 0x3c) / 4], 1U);  // vector 3 stays masked, as saved
}

// With the table intact there is no masking sequence: control is written only if it differs.
TEST(RestoreWriteSequence, MsixSkipsTheMaskingSequenceWhenTheTableMatches) {
  const Registry registry = only(std::make_shared<msix::MsixPlugin>());
  const DeviceSection saved = save_image(port_image({}), saved_table(), registry);
  MockDevice dev(port_image({}), saved_table());
  const DevicePlan plan = dev.plan(saved, registry);
  EXPECT_CALL(*dev.config, do_write).Times(0);
  EXPECT_CALL(*dev.bars, write32).Times(0);
  const core::ApplyResult result = core::apply_plan(dev.device, plan, false);
  EXPECT_EQ(result.written, 0U);
}

// The whole port: ltr (100), pcie (200), msix (300), then the ASPM bits (500).
TEST(RestoreWriteSequence, WholePortFollowsPhaseOrderAcrossPlugins) {
  const Registry registry = shipped();
  const DeviceSection saved = save_image(port_image({}), saved_table(), registry);
  std::vector<Entry> now = saved_table();
  now[0].data = 0;
  MockDevice dev(port_image(reset_values()), now);
  const DevicePlan plan = dev.plan(saved, registry);
  {
    InSequence in_order;
    EXPECT_CALL(*dev.config, do_write(kLtrLat, Width::dword, 0x10461046));
    EXPECT_CALL(*dev.config, do_write(kDevCtl, Width::word, 0x201f));
    EXPECT_CALL(*dev.config, do_write(kLnkCtl, Width::word, 0x0040));
    EXPECT_CALL(*dev.config, do_write(kSltCtl, Width::word, 0x1028));
    EXPECT_CALL(*dev.config, do_write(kRtCtl, Width::word, 0x000f));
    EXPECT_CALL(*dev.config, do_write(kDevCtl2, Width::word, 0x0400));
    EXPECT_CALL(*dev.config, do_write(kMsixCtl, Width::word, 0xc003));
    EXPECT_CALL(*dev.bars, write32(0, kTable + 0x08, 0x4020));
    EXPECT_CALL(*dev.config, do_write(kMsixCtl, Width::word, 0x8003));
    EXPECT_CALL(*dev.config, do_write(kLnkCtl, Width::word, 0x0043));
  }
  const core::ApplyResult result = core::apply_plan(dev.device, plan, true);
  EXPECT_EQ(result.written, 10U);
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
}

// A root port with ACS (0x100), PTM (0x110) and DPC (0x120), the Cannon Point port's capability
// registers, Control registers as given; DPC Status with `dpc_status`.
Image dpc_ptm_acs_port(std::uint16_t acs, std::uint32_t ptm, std::uint16_t dpc,
                       std::uint16_t dpc_status) {
  Image image;
  image.set(0x00, Width::dword, 0x9dbc8086);
  image.set(0x08, Width::dword, 0x060400f0);
  image.set(0x0e, Width::byte, 0x81);
  image.set(0x100, Width::dword, 0x1101000d);  // ACS v1, next 0x110
  image.set(0x104, Width::word, 0x000f);
  image.set(0x106, Width::word, acs);
  image.set(0x110, Width::dword, 0x1201001f);  // PTM v1, next 0x120
  image.set(0x114, Width::dword, 0x00000406);
  image.set(0x118, Width::dword, ptm);
  image.set(0x120, Width::dword, 0x0001001d);  // DPC v1, last
  image.set(0x124, Width::word, 0x14e0);
  image.set(0x126, Width::word, dpc);
  image.set(0x128, Width::word, dpc_status);
  return image;
}

// After a reset: dpc (238), ptm (241), acs (400), each one write of its Control register, as the
// kernel's pci_restore_state (DPC, PTM, ..., ACS). DPC Status, its W1C Trigger and Interrupt
// Status set on the device, and every Capability register are not written.
TEST(RestoreWriteSequence, DpcThenPtmThenAcsAndNeverTheDpcStatus) {
  const Registry registry = Registry::from_plugins({std::make_shared<acs::AcsPlugin>(),
                                                    std::make_shared<dpc::DpcPlugin>(),
                                                    std::make_shared<ptm::PtmPlugin>()});
  const DeviceSection saved =
      save_image(dpc_ptm_acs_port(0x001d, 0x00000003, 0x0009, 0x1f09), {}, registry);
  MockDevice dev(dpc_ptm_acs_port(0, 0, 0, 0x1f09), {});
  const DevicePlan plan = dev.plan(saved, registry);
  {
    InSequence in_order;
    EXPECT_CALL(*dev.config, do_write(0x126, Width::word, 0x0009));
    EXPECT_CALL(*dev.config, do_write(0x118, Width::dword, 0x00000003));
    EXPECT_CALL(*dev.config, do_write(0x106, Width::word, 0x001d));
  }
  const core::ApplyResult result = core::apply_plan(dev.device, plan, true);
  EXPECT_EQ(result.written, 3U);
  EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
}

}  // namespace
}  // namespace capstate::restoretest
