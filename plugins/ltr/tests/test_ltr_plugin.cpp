// Tests of the ltr plugin on the hand-built LTR endpoint (tests/data/ltr/ltr-endpoint.xxxx.txt),
// and the write a restore makes on a model endpoint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "backends/dump_source.hpp"
#include "discovery/discovery.hpp"
#include "engine/field_codec.hpp"
#include "engine/layout_text.hpp"
#include "engine/record_codec.hpp"
#include "fake_spaces.hpp"
#include "ltr_layout.hpp"
#include "ltr_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::ltr {
namespace {

using core::FieldValue;

constexpr const char* kDump = CAPSTATE_TEST_DATA_DIR "/ltr/ltr-endpoint.xxxx.txt";

// The LTR capability as discovery finds it in the hand-built dump.
Capability find_ltr(ConfigSpace& cfg) {
  const core::DiscoveryResult found = core::discover(cfg);
  auto it =
      std::find_if(found.capabilities.begin(), found.capabilities.end(), [](const Capability& c) {
        return c.type() == CapabilityId{CapKind::extended, kCapabilityId};
      });
  if (it == found.capabilities.end()) {
    throw std::runtime_error("no LTR capability in " + std::string(kDump));
  }
  return *it;
}

TEST(LtrLayouts, BothSchemasValidate) {
  LtrPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
  EXPECT_EQ(plugin.info().restore_phase, 100);
  EXPECT_EQ(kSchema2Fields[0].writable, 0x1fff1fffU);  // value + scale of both, reserved bits not
}

TEST(LtrSave, HandBuiltEndpointSavedWithOneDwordRead) {
  core::DumpSource source{std::filesystem::path(kDump)};
  core::Device dev = source.open(*core::PciAddress::parse("01:00.0"));
  const Capability cap = find_ltr(*dev.config);
  EXPECT_EQ(cap.offset, 0x148);
  EXPECT_EQ(cap.version, 1);
  LtrPlugin plugin;
  dev.config->reset_counts();
  const Record r = core::save_record(plugin, cap, *dev.config, dev.bars.get());
  const std::vector<std::uint8_t> expected{
      0x01, 0x00, 0x00, 0x00,  // presence bitmap: max_latencies
      0x46, 0x08,              // max snoop latency 0x0846 (70 x 1024 ns)
      0x0f, 0x0c,              // max no-snoop latency 0x0c0f (15 x 32768 ns)
  };
  EXPECT_EQ(r.payload, expected);
  EXPECT_EQ(dev.config->counts().reads, (std::array<std::uint64_t, 3>{0, 0, 1}));
  const core::DecodedRecord d = core::decode_record(plugin, r);
  EXPECT_EQ(d.fields, (std::vector<FieldValue>{{"max_latencies", 0x0c0f0846, true, Width::dword}}));
  EXPECT_EQ(core::assemble_record(plugin, cap, 2, d.fields, d.extra), r);
}

TEST(LtrSchema1, TwoWordReadsKernelShapedPayload) {
  core::DumpSource source{std::filesystem::path(kDump)};
  core::Device dev = source.open(*core::PciAddress::parse("01:00.0"));
  const Capability cap = find_ltr(*dev.config);
  dev.config->reset_counts();
  core::RegisterCache regs(*dev.config, cap);
  const auto fields = core::read_fields(kLayouts[0], cap, regs);
  EXPECT_EQ(core::pack_fields(kLayouts[0], fields),
            (std::vector<std::uint8_t>{0x46, 0x08, 0x0f, 0x0c}));
  EXPECT_EQ(dev.config->counts().reads, (std::array<std::uint64_t, 3>{0, 2, 0}));
  LtrPlugin plugin;
  const Record old{
      cap, "ltr", 1, core::layout_fingerprint("ltr", kLayouts[0]), {0x46, 0x08, 0x0f, 0x0c}, ""};
  const core::DecodedRecord d = core::decode_record(plugin, old);
  EXPECT_EQ(d.fields[1], (FieldValue{"max_no_snoop_latency", 0x0c0f, true, Width::word}));
}

TEST(LtrSave, DwordOnlyDeviceWorksWithSchema2) {
  // A fake that refuses 16-bit accesses, like the Bayhub O2 controller.
  class DwordOnly final : public ConfigSpace {
   public:
    std::uint16_t size() const override { return kExtendedSize; }
    std::string device_name() const override { return "dword-only"; }
    std::uint32_t read(std::uint16_t offset, Width width) override {
      if (width != Width::dword) {
        throw AccessError("dword-only: 16-bit read at " + std::to_string(offset));
      }
      return offset == 0x204 ? 0x10031003U : 0U;
    }
    void write(std::uint16_t, Width, std::uint32_t) override {}
  } cfg;
  const Capability cap{
      .kind = CapKind::extended, .id = kCapabilityId, .offset = 0x200, .version = 1};
  LtrPlugin plugin;
  EXPECT_EQ(core::save_record(plugin, cap, cfg, nullptr).payload,
            (std::vector<std::uint8_t>{0x01, 0, 0, 0, 0x03, 0x10, 0x03, 0x10}));
  core::RegisterCache regs(cfg, cap);
  EXPECT_THROW(core::read_fields(kLayouts[0], cap, regs), AccessError);
}

constexpr core::PciAddress kAddress{0, 0x1d, 0, 0};
constexpr std::uint16_t kLtr = 0x100;
// Both latency registers' Value and Scale bits (15:13 of each are reserved, read-only).
constexpr std::uint32_t kBothLatencies = kLatencyBits | (kLatencyBits << 16);

// An endpoint with LTR at 0x100, last in the extended list, holding `latencies` (snoop in bits
// 15:0, no-snoop in 31:16).
plugintest::ModelImage endpoint(std::uint32_t latencies) {
  // LTR v1, last in the list
  plugintest::ModelImage m{
      plugintest::extended_capability_model(
          {.ids = 0x0a548086, .class_rev = 0x01080200, .at = kLtr, .id = 0x0018}),
      std::vector<std::uint8_t>(kExtendedSize, 0), std::vector<std::uint8_t>(kExtendedSize, 0)};
  plugintest::put(m.config, kLtr + 4, latencies, 4);
  plugintest::put(m.writable, kLtr + 4, kBothLatencies, 4);
  return m;
}

// After a reset both latencies read 0: one 32-bit write of both saved latencies (70 x 1024 ns
// snoop, 15 x 32768 ns no-snoop), with the reserved bits 15:13 of each half as the device reads
// them (here set, read-only), so they are not disturbed.
TEST(LtrWriteSequence, BothLatenciesInOneDwordKeepingReservedBits) {
  constexpr std::uint32_t kSaved = 0x0c0f0846;
  constexpr std::uint32_t kReserved = 0xe000e000;
  const plugintest::ModelImage now = endpoint(kReserved);
  ::testing::StrictMock<plugintest::WriteObserver> obs;
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(obs, config_write(kLtr + 4, Width::dword, kReserved | kSaved));
  }
  const plugintest::ModelRestore r = plugintest::save_and_restore(
      std::make_shared<LtrPlugin>(), kAddress, endpoint(kSaved), now, obs);
  EXPECT_TRUE(r.mismatches.empty());
  EXPECT_EQ(plugintest::get(r.bytes, kLtr + 4, 4), kReserved | kSaved);
  EXPECT_EQ(plugintest::get(r.bytes, kLtr + 4, 4) & ~kBothLatencies,
            plugintest::get(now.config, kLtr + 4, 4) & ~kBothLatencies);
  EXPECT_TRUE(plugintest::disturbed_bits(now, r.bytes).empty());
}

}  // namespace
}  // namespace capstate::ltr
