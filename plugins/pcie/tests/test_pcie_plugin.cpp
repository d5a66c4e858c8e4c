// Tests of the pcie plugin: layouts, presence per device type, exact payloads and read counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include "engine/field_codec.hpp"
#include "engine/layout_text.hpp"
#include "engine/record_codec.hpp"
#include "fake_spaces.hpp"
#include "pcie_layout.hpp"
#include "pcie_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::pcie {
namespace {

using capstate::testing::FakeConfigSpace;
using core::FieldValue;

constexpr Capability kCap{.kind = CapKind::standard, .id = kCapabilityId, .offset = 0x40};

// A device whose PCIe capability at 0x40 has `flags` and distinct values in every control word.
FakeConfigSpace device(std::uint16_t flags) {
  FakeConfigSpace cfg(kExtendedSize, "0000:03:00.0");
  cfg.set(0x42, Width::word, flags);
  cfg.set(0x48, Width::word, 0x2810);  // DEVCTL
  cfg.set(0x50, Width::word, 0x0142);  // LNKCTL (ASPM L1)
  cfg.set(0x58, Width::word, 0x03c0);  // SLTCTL
  cfg.set(0x5c, Width::word, 0x0008);  // RTCTL
  cfg.set(0x68, Width::word, 0x0400);  // DEVCTL2
  cfg.set(0x70, Width::word, 0x0002);  // LNKCTL2
  cfg.set(0x78, Width::word, 0xffff);  // SLTCTL2: must never be read
  return cfg;
}

TEST(PcieLayouts, BothSchemasValidate) {
  PciePlugin plugin;
  ASSERT_EQ(plugin.layouts().size(), 2U);
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
  EXPECT_EQ(plugin.info().current_schema, 2);
  EXPECT_EQ(plugin.info().oldest_schema, 1);
  EXPECT_FALSE(plugin.info().needs_bar_access);
}

TEST(PcieLayouts, SideEffectBitsAreNeverWritable) {
  for (const Layout& layout : kLayouts) {
    for (const Field& f : layout.fields) {
      if (f.offset == 0x08) {
        EXPECT_EQ(f.writable & 0x8000, 0U) << "Initiate FLR / bridge config retry";
      }
      if (f.offset == 0x10) {
        EXPECT_EQ(f.writable & 0x0030, 0U) << "Link Disable / Retrain Link";
      }
      EXPECT_EQ(f.w1c, 0U) << f.name << ": control registers have no W1C bits";
    }
  }
  // Schema 2 splits LNKCTL: ASPM bits only in the late-phase field.
  EXPECT_EQ(kSchema2Fields[1].writable & 0x3, 0U);
  EXPECT_EQ(kSchema2Fields[2].writable, 0x3U);
  EXPECT_EQ(kSchema2Fields[2].phase, 500);
}

TEST(PcieSave, RootPortWithSlotSavesAllSevenWordsReadOnce) {
  PciePlugin plugin;
  FakeConfigSpace cfg = device(0x0142);  // version 2, type 4 root port, slot implemented
  const Record r = core::save_record(plugin, kCap, cfg, nullptr);
  const std::vector<std::uint8_t> expected{
      0x7f, 0x00, 0x00, 0x00,  // presence bitmap: all seven fields
      0x10, 0x28,              // device_control
      0x42, 0x01,              // link_control
      0x42, 0x01,              // link_control_aspm (same register)
      0xc0, 0x03,              // slot_control
      0x08, 0x00,              // root_control
      0x00, 0x04,              // device_control2
      0x02, 0x00,              // link_control2
  };
  EXPECT_EQ(r.payload, expected);
  EXPECT_EQ(r.schema_version, 2);
  EXPECT_EQ(r.fingerprint, core::layout_fingerprint("pcie", kLayouts[1]));
  // Flags + six distinct control words; nothing else.
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 7, 0}));
}

TEST(PcieSave, EndpointV2SkipsSlotAndRootWithoutReadingThem) {
  PciePlugin plugin;
  FakeConfigSpace cfg = device(0x0002);  // version 2, type 0 endpoint
  const Record r = core::save_record(plugin, kCap, cfg, nullptr);
  const std::vector<std::uint8_t> expected{
      0x67, 0x00, 0x00, 0x00,  // bitmap: devctl, lnkctl, aspm, devctl2, lnkctl2
      0x10, 0x28,              // device_control
      0x42, 0x01,              // link_control
      0x42, 0x01,              // link_control_aspm
      0x00, 0x04,              // device_control2
      0x02, 0x00,              // link_control2
  };
  EXPECT_EQ(r.payload, expected);
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 5, 0}));
  for (const auto& [offset, width] : cfg.log) {
    EXPECT_TRUE(offset != 0x58 && offset != 0x5c && offset != 0x78) << offset;
  }
}

TEST(PcieSave, EndpointV1HasNoVersion2Registers) {
  PciePlugin plugin;
  FakeConfigSpace cfg = device(0x0001);  // version 1 endpoint (QEMU's e1000e)
  const Record r = core::save_record(plugin, kCap, cfg, nullptr);
  EXPECT_EQ(r.payload,
            (std::vector<std::uint8_t>{0x07, 0, 0, 0, 0x10, 0x28, 0x42, 0x01, 0x42, 0x01}));
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 3, 0}));
}

TEST(PcieSave, IntegratedEndpointAndEventCollectorHaveNoLink) {
  PciePlugin plugin;
  FakeConfigSpace rciep = device(0x0092);  // version 2, type 9
  EXPECT_EQ(core::save_record(plugin, kCap, rciep, nullptr).payload,
            (std::vector<std::uint8_t>{0x21, 0, 0, 0, 0x10, 0x28, 0x00, 0x04}));
  EXPECT_EQ(rciep.reads_by_width, (std::array<unsigned, 3>{0, 3, 0}));
  FakeConfigSpace rcec = device(0x00a2);  // version 2, type 0xa: root control, no link
  EXPECT_EQ(core::save_record(plugin, kCap, rcec, nullptr).payload,
            (std::vector<std::uint8_t>{0x31, 0, 0, 0, 0x10, 0x28, 0x08, 0x00, 0x00, 0x04}));
}

TEST(PcieSave, SlotNeedsDownstreamTypeAndSlotBit) {
  PciePlugin plugin;
  FakeConfigSpace no_slot = device(0x0042);  // root port without slot
  EXPECT_EQ(core::save_record(plugin, kCap, no_slot, nullptr).payload[0], 0x77);
  FakeConfigSpace upstream = device(0x0152);  // upstream port with (meaningless) slot bit
  EXPECT_EQ(core::save_record(plugin, kCap, upstream, nullptr).payload[0], 0x67);
  FakeConfigSpace downstream = device(0x0162);  // switch downstream port with slot
  EXPECT_EQ(core::save_record(plugin, kCap, downstream, nullptr).payload[0], 0x6f);
}

TEST(PcieSchema1, KernelShapedSevenWordsAbsentAsZero) {
  FakeConfigSpace cfg = device(0x0002);
  core::RegisterCache regs(cfg, kCap);
  const auto fields = core::read_fields(kLayouts[0], kCap, regs);
  const std::vector<std::uint8_t> expected{
      0x10, 0x28,  // DEVCTL
      0x42, 0x01,  // LNKCTL
      0x00, 0x00,  // SLTCTL (absent on an endpoint)
      0x00, 0x00,  // RTCTL (absent)
      0x00, 0x04,  // DEVCTL2
      0x02, 0x00,  // LNKCTL2
      0x00, 0x00,  // SLTCTL2 (never read)
  };
  EXPECT_EQ(core::pack_fields(kLayouts[0], fields), expected);
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 5, 0}));
}

TEST(PcieRecord, DecodeAndAssembleRoundTrip) {
  PciePlugin plugin;
  FakeConfigSpace cfg = device(0x0042);
  const Record r = core::save_record(plugin, kCap, cfg, nullptr);
  const core::DecodedRecord d = core::decode_record(plugin, r);
  ASSERT_EQ(d.fields.size(), 7U);
  EXPECT_EQ(d.fields[2], (FieldValue{"link_control_aspm", 0x0142, true, Width::word}));
  EXPECT_EQ(d.fields[3], (FieldValue{"slot_control", 0, false, Width::word}));
  EXPECT_EQ(d.fields[4], (FieldValue{"root_control", 0x0008, true, Width::word}));
  EXPECT_TRUE(d.extra.empty());
  EXPECT_EQ(core::assemble_record(plugin, kCap, 2, d.fields, d.extra), r);
  // Schema 1 records decode too (for migration later).
  const Record old =
      core::assemble_record(plugin, kCap, 1,
                            std::vector<FieldValue>{{"device_control", 0x2810, true, Width::word},
                                                    {"link_control", 0x0142, true, Width::word},
                                                    {"slot_control", 0, true, Width::word},
                                                    {"root_control", 0, true, Width::word},
                                                    {"device_control2", 0x0400, true, Width::word},
                                                    {"link_control2", 0x0002, true, Width::word},
                                                    {"slot_control2", 0, false, Width::word}},
                            {});
  EXPECT_EQ(old.payload.size(), 14U);
  EXPECT_EQ(core::decode_record(plugin, old).fields[4].value, 0x0400U);
}

// A root port (version 2, no slot) with its control registers; `now` models the reset one, its
// Device Status holding a W1C Correctable Error Detected bit.
plugintest::ModelImage root_port(bool reset) {
  plugintest::ModelImage m{std::vector<std::uint8_t>(kExtendedSize, 0),
                           std::vector<std::uint8_t>(kExtendedSize, 0),
                           std::vector<std::uint8_t>(kExtendedSize, 0)};
  plugintest::put(m.config, 0x00, 0x9dbc8086, 4);
  plugintest::put(m.config, 0x06, 0x0010, 2);  // capabilities list
  plugintest::put(m.config, 0x08, 0x06040000, 4);
  plugintest::put(m.config, 0x0e, 0x01, 1);
  plugintest::put(m.config, 0x34, 0x40, 1);
  plugintest::put(m.config, 0x40, 0x0010, 2);  // PCI Express, last in the list
  plugintest::put(m.config, 0x42, 0x0042, 2);  // version 2, root port, no slot
  plugintest::put(m.config, 0x48, reset ? 0 : 0x201f, 2);
  plugintest::put(m.config, 0x4a, 0x0001, 2);  // Device Status: Correctable Error Detected
  plugintest::put(m.config, 0x50, reset ? 0 : 0x0042, 2);
  plugintest::put(m.config, 0x5c, reset ? 0 : 0x000f, 2);
  plugintest::put(m.config, 0x68, reset ? 0 : 0x0400, 2);
  plugintest::put(m.config, 0x70, reset ? 0 : 0x0003, 2);
  plugintest::put(m.writable, 0x48, kDevCtlWritable, 2);
  plugintest::put(m.writable, 0x50, kLnkCtlWritable | kAspmWritable, 2);
  plugintest::put(m.writable, 0x5c, kRtCtlWritable, 2);
  plugintest::put(m.writable, 0x68, kDevCtl2Writable, 2);
  plugintest::put(m.writable, 0x70, kLnkCtl2Writable, 2);
  plugintest::put(m.w1c, 0x4a, 0x000f, 2);
  return m;
}

// After a reset, alone (no upstream port in the restore): every control register in layout
// order in phase 200, Link Control without ASPM, then ASPM last (phase 500); the W1C Device
// Status bit and the read-only registers are not disturbed.
TEST(PcieWriteSequence, ResetRootPortControlsThenAspmLast) {
  const plugintest::ModelImage now = root_port(true);
  ::testing::StrictMock<plugintest::WriteObserver> obs;
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(obs, config_write(0x48, Width::word, 0x201fU));
    EXPECT_CALL(obs, config_write(0x50, Width::word, 0x0040U));
    EXPECT_CALL(obs, config_write(0x5c, Width::word, 0x000fU));
    EXPECT_CALL(obs, config_write(0x68, Width::word, 0x0400U));
    EXPECT_CALL(obs, config_write(0x70, Width::word, 0x0003U));
    EXPECT_CALL(obs, config_write(0x50, Width::word, 0x0042U));
  }
  const plugintest::ModelRestore r = plugintest::save_and_restore(
      std::make_shared<PciePlugin>(), {0, 0, 0x1c, 0}, root_port(false), now, obs);
  EXPECT_THAT(r.mismatches, ::testing::IsEmpty());
  EXPECT_THAT(plugintest::disturbed_bits(now, r.bytes), ::testing::IsEmpty());
  EXPECT_EQ(plugintest::get(r.bytes, 0x4a, 2), 0x0001U);
}

}  // namespace
}  // namespace capstate::pcie
