// Every golden file restores onto devices built from the bundled dumps (migrated to the current
// schema on the way), giving back the register values read off those dumps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "golden_fixture.hpp"
#include "restore/restore_run.hpp"

namespace capstate::goldentest {
namespace {

const core::PciAddress kRootPort{0, 0x00, 0x01, 0};     // q35 QEMU PCIe root port 00:01.0
const core::PciAddress kLtrEndpoint{0, 0x01, 0x00, 0};  // tests/data/ltr endpoint 01:00.0

// Root port 00:01.0 of the q35 dump: MSI-X at 0x48, PCI Express capability at 0x54.
const std::vector<Writable> kRootPortWritable{
    {0x4a, 2, 0xc000},  // MSI-X Message Control: Enable, Function Mask
    {0x5c, 2, 0x7fff},  // Device Control
    {0x64, 2, 0x0fcb},  // Link Control (no Link Disable / Retrain)
    {0x6c, 2, 0x17ff},  // Slot Control (QEMU's hot-plug controller bits)
    {0x70, 2, 0x001f},  // Root Control
    {0x7c, 2, 0x041f},  // Device Control 2 (completion timeout, LTR enable)
    {0x84, 2, 0x002f},  // Link Control 2
};

// LTR endpoint: PCI Express capability at 0x50, LTR at 0x148.
const std::vector<Writable> kLtrWritable{
    {0x58, 2, 0x7fff},       // Device Control
    {0x60, 2, 0x0fcb},       // Link Control
    {0x78, 2, 0xf7ff},       // Device Control 2
    {0x80, 2, 0x002f},       // Link Control 2
    {0x14c, 4, 0x1fff1fff},  // Max Snoop / Max No-Snoop Latency
};

std::vector<core::DeviceRestore> restore(core::DeviceSource& source, const std::string& golden,
                                         const core::PciAddress& address) {
  const core::Registry registry = shipped();
  const core::StateFile file = read_golden(golden);
  std::vector<core::DeviceRestore> restores =
      core::plan_restores(source, file, {address}, registry, {.producer = "golden " + golden});
  core::apply_restores(restores, true);
  return restores;
}

std::uint32_t reg(core::ModelSource& model, const core::PciAddress& a, std::uint16_t offset,
                  unsigned bytes) {
  return le_at(model.bytes(a), offset, bytes);
}

class GoldenQ35 : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenQ35, RootPortGetsItsControlRegistersBack) {
  core::ModelSource model =
      model_from_dump(data_path("qemu-q35-guest.xxxx.txt"), kRootPort, kRootPortWritable);
  core::Device d = model.open(kRootPort);
  d.config->write(0x5c, Width::word, 0x0000);  // DevCtl 000f -> 0
  d.config->write(0x6c, Width::word, 0x0000);  // SltCtl 01c0 -> 0
  d.config->write(0x4a, Width::word, 0x0000);  // MSI-X Enable off
  d.config->write(0x84, Width::word, 0x0001);  // Link Control 2: Target Link Speed 4 -> 1
  ASSERT_EQ(reg(model, kRootPort, 0x5c, 2), 0x0000U);
  const std::vector<core::DeviceRestore> r = restore(model, GetParam(), kRootPort);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_TRUE(r[0].result.mismatches.empty());
  EXPECT_EQ(reg(model, kRootPort, 0x5c, 2), 0x000fU);  // CorrErr+ NonFatalErr+ FatalErr+ UnsupReq+
  EXPECT_EQ(reg(model, kRootPort, 0x6c, 2), 0x01c0U);  // AttnInd Off, PwrInd On
  EXPECT_EQ(reg(model, kRootPort, 0x4a, 2), 0x8000U);  // MSI-X Enable+
  EXPECT_EQ(reg(model, kRootPort, 0x84, 2), 0x0004U);  // Link Control 2
  EXPECT_EQ(reg(model, kRootPort, 0x64, 2), 0x0000U);  // Link Control untouched
  EXPECT_EQ(reg(model, kRootPort, 0x70, 2), 0x0000U);  // Root Control untouched
}

TEST_P(GoldenQ35, WholeDumpComesBackThroughADumpSource) {
  const std::filesystem::path dump = data_path("qemu-q35-guest.xxxx.txt");
  core::DumpSource source(dump);
  const std::string original = source.dump_text();
  core::Device d = source.open(kRootPort);
  d.config->write(0x5c, Width::word, 0x0000);
  d.config->write(0x4a, Width::word, 0x0000);
  ASSERT_NE(source.dump_text(), original);
  const core::Registry registry = shipped();
  std::vector<core::DeviceRestore> restores =
      core::plan_restores(source, read_golden(GetParam()), {}, registry, {});
  core::apply_restores(restores, true);
  EXPECT_EQ(restores.size(), 12U);
  EXPECT_EQ(source.dump_text(), original);
}

INSTANTIATE_TEST_SUITE_P(Schemas, GoldenQ35, ::testing::Values("v1-q35.cst", "v2-q35.cst"));

class GoldenLtr : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenLtr, EndpointGetsItsLatenciesAndControlsBack) {
  core::ModelSource model =
      model_from_dump(data_path("ltr/ltr-endpoint.xxxx.txt"), kLtrEndpoint, kLtrWritable);
  core::Device d = model.open(kLtrEndpoint);
  d.config->write(0x14c, Width::dword, 0x00000000);  // both latencies cleared
  d.config->write(0x78, Width::word, 0x0000);        // LTR Mechanism Enable off
  d.config->write(0x60, Width::word, 0x0000);        // ASPM L1 off, RCB off
  const std::vector<core::DeviceRestore> r = restore(model, GetParam(), kLtrEndpoint);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_TRUE(r[0].result.mismatches.empty());
  EXPECT_EQ(reg(model, kLtrEndpoint, 0x14c, 2), 0x0846U);  // max snoop 71680 ns
  EXPECT_EQ(reg(model, kLtrEndpoint, 0x14e, 2), 0x0c0fU);  // max no-snoop 491520 ns
  EXPECT_EQ(reg(model, kLtrEndpoint, 0x78, 2), 0x0400U);   // DevCtl2 LTR+
  EXPECT_EQ(reg(model, kLtrEndpoint, 0x60, 2), 0x0142U);   // LnkCtl ASPM L1, CommClk
  EXPECT_EQ(reg(model, kLtrEndpoint, 0x58, 2), 0x2810U);   // DevCtl unchanged
}

INSTANTIATE_TEST_SUITE_P(Schemas, GoldenLtr, ::testing::Values("v1-ltr.cst", "v2-ltr.cst"));

TEST(GoldenMsixTable, VectorTableIsWrittenBackIntoBarMemory) {
  core::ModelSource model =
      model_from_dump(data_path("qemu-q35-guest.xxxx.txt"), kRootPort, kRootPortWritable);
  model.add_bar(kRootPort, 0, 0x1000);  // table at BAR 0 offset 0, one entry; starts zeroed
  core::Device d = model.open(kRootPort);
  d.config->write(0x4a, Width::word, 0x0000);
  const std::vector<core::DeviceRestore> r = restore(model, "v2-msix-table.cst", kRootPort);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_TRUE(r[0].result.mismatches.empty());
  const std::span<std::uint8_t> bar = model.bar_bytes(kRootPort, 0);
  EXPECT_EQ(le_at(bar, 0x0, 4), 0xfee00000U);          // address_lo
  EXPECT_EQ(le_at(bar, 0x4, 4), 0x00000000U);          // address_hi
  EXPECT_EQ(le_at(bar, 0x8, 4), 0x00004021U);          // data
  EXPECT_EQ(le_at(bar, 0xc, 4), 0x00000000U);          // vector_control: unmasked
  EXPECT_EQ(reg(model, kRootPort, 0x4a, 2), 0x8000U);  // Enable+, Function Mask back off
}

}  // namespace
}  // namespace capstate::goldentest
