// save_device on every device of the real QEMU q35 dump, with the three shipped plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "backends/dump_source.hpp"
#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "ltr_plugin.hpp"
#include "msix_plugin.hpp"
#include "pcie_plugin.hpp"

namespace capstate::core {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDump = CAPSTATE_TEST_DATA_DIR "/qemu-q35-guest.xxxx.txt";

Registry shipped_plugins() {
  return Registry::from_plugins({std::make_shared<pcie::PciePlugin>(),
                                 std::make_shared<msix::MsixPlugin>(),
                                 std::make_shared<ltr::LtrPlugin>()});
}

const Record* find_record(const DeviceSection& s, std::string_view plugin) {
  for (const Record& r : s.records) {
    if (r.plugin == plugin) {
      return &r;
    }
  }
  return nullptr;
}

// Reads discovery needs on `address` when, as in save_device, it is given the header type byte
// that identity already read (so byte 0x0e is read once per device, not twice).
std::uint64_t discovery_reads(DumpSource& source, const PciAddress& address) {
  Device dev = source.open(address);
  const std::uint64_t alone = [&] {
    Device d = source.open(address);
    discover(*d.config);
    return d.config->counts().total_reads();
  }();
  discover(*dev.config, dev.config->read8(0x0e));
  const std::uint64_t shared = dev.config->counts().total_reads() - 1;  // minus the read8 above
  EXPECT_EQ(shared + 1, alone) << "the walk of a device with a list reads the header type once";
  return shared;
}

struct Saved {
  DeviceSection section;
  SaveReport report;
  std::uint64_t reads = 0;
};

Saved save(DumpSource& source, const Registry& registry, const char* address) {
  Saved out;
  Device dev = source.open(*PciAddress::parse(address));
  out.section = save_device(dev, registry, SaveOptions{}, out.report);
  out.reads = dev.config->counts().total_reads();
  return out;
}

TEST(RealDump, EveryDeviceSaves) {
  DumpSource source{std::filesystem::path(kDump)};
  const Registry registry = shipped_plugins();
  std::size_t pcie_records = 0;
  std::size_t msix_records = 0;
  for (const PciAddress& a : source.addresses()) {
    Device dev = source.open(a);
    SaveReport report;
    const DeviceSection s = save_device(dev, registry, SaveOptions{}, report);
    EXPECT_EQ(s.address, a);
    EXPECT_THAT(report.warnings, ::testing::IsEmpty()) << a.str();
    pcie_records += find_record(s, "pcie") != nullptr;
    msix_records += find_record(s, "msix") != nullptr;
    for (const std::string& line : report.unhandled) {
      EXPECT_THAT(line, ::testing::StartsWith(a.str() + ": no plugin handles ")) << line;
    }
  }
  // From the -vv twin: 4 root ports + e1000e, NVMe, virtio-net, xHCI have both capabilities.
  EXPECT_EQ(pcie_records, 8U);
  EXPECT_EQ(msix_records, 8U);
}

TEST(RealDump, NvmeEndpoint) {
  DumpSource source{std::filesystem::path(kDump)};
  const Saved got = save(source, shipped_plugins(), "02:00.0");
  EXPECT_EQ(got.section.identity.vendor_id, 0x1b36);
  EXPECT_EQ(got.section.identity.device_id, 0x0010);
  ASSERT_EQ(got.section.records.size(), 2U);  // discovery order: MSI-X at 0x40, PCIe at 0x80
  EXPECT_EQ(got.section.records[0].plugin, "msix");
  EXPECT_EQ(got.section.records[1].plugin, "pcie");
  // PCIe v2 endpoint at 0x80 (flags 0x0002). Dump row 80: "10 60 02 00 00 80 00 10 00 00 ..."
  // DEVCTL 0x88 = 00 00, LNKCTL 0x90 = 00 00 (row 90: "00 00 11 00"), DEVCTL2 0xa8 = 00 00,
  // LNKCTL2 0xb0 = 00 00: no driver ever configured the function.
  EXPECT_EQ(got.section.records[1].payload,
            (std::vector<std::uint8_t>{0x67, 0, 0, 0,  // devctl, lnkctl, aspm, devctl2, lnkctl2
                                       0x00, 0x00,     // device_control
                                       0x00, 0x00,     // link_control
                                       0x00, 0x00,     // link_control_aspm
                                       0x00, 0x00,     // device_control2
                                       0x00, 0x00}));  // link_control2
  // MSI-X at 0x40: row 40 "11 80 40 00 00 20 00 00": control 0x0040 (65 entries), table BIR 0
  // at 0x2000; a dump has no BAR memory, so the table is recorded as not saved.
  EXPECT_EQ(got.section.records[0].payload,
            (std::vector<std::uint8_t>{0x03, 0, 0, 0, 0x40, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
                                       0x41, 0x00}));
  EXPECT_THAT(got.report.unhandled,
              ::testing::ElementsAre(HasSubstr("02:00.0: no plugin handles standard capability "
                                               "0x01 at 0x060")));
  // Every dword once (save_device reads through a CachedConfigSpace). Identity: 3 dwords + the
  // dword of the header byte + subsystem dword (type 0) = 4 reads. PCIe: DEVCTL, LNKCTL, DEVCTL2,
  // LNKCTL2 = 4 (flags share the dword of the capability header, which discovery read). MSI-X:
  // table location = 1 (Message Control shares its header's dword too).
  EXPECT_EQ(got.reads, 4 + discovery_reads(source, *PciAddress::parse("02:00.0")) + 4 + 1);
}

TEST(RealDump, E1000eVersion1Endpoint) {
  DumpSource source{std::filesystem::path(kDump)};
  const Saved got = save(source, shipped_plugins(), "01:00.0");
  const Record* pcie = find_record(got.section, "pcie");
  ASSERT_NE(pcie, nullptr);
  EXPECT_EQ(pcie->capability.offset, 0xe0);
  // PCIe v1 endpoint at 0xe0 (row e0: "10 a0 01 00 00 80 00 00 00 00 ..."): DEVCTL 0xe8 = 00 00;
  // LNKCTL 0xf0 = 00 00 (row f0: "00 00 11 00"); no version-2 registers.
  EXPECT_EQ(pcie->payload, (std::vector<std::uint8_t>{0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  const Record* msix = find_record(got.section, "msix");
  ASSERT_NE(msix, nullptr);
  // MSI-X at 0xa0 (row a0: "11 00 04 00 03 00 00 00"): 5 entries, table in BAR 3 at 0.
  EXPECT_EQ(msix->payload, (std::vector<std::uint8_t>{0x03, 0, 0, 0, 0x04, 0x00, 0x03, 0, 0, 0,
                                                      0x00, 0x05, 0x00}));
  // PM, MSI, AER and DSN are not handled by the shipped plugins.
  EXPECT_EQ(got.report.unhandled.size(), 4U);
  // Identity 4 + discovery + PCIe (DEVCTL, LNKCTL; flags in the header's dword) 2 + MSI-X (table
  // location) 1.
  EXPECT_EQ(got.reads, 4 + discovery_reads(source, *PciAddress::parse("01:00.0")) + 2 + 1);
}

TEST(RealDump, RootPortWithSlot) {
  DumpSource source{std::filesystem::path(kDump)};
  const Saved got = save(source, shipped_plugins(), "00:01.0");
  const Record* pcie = find_record(got.section, "pcie");
  ASSERT_NE(pcie, nullptr);
  // PCIe v2 root port with slot at 0x54 (flags 0x0142). From the dump: DEVCTL 0x5c = "0f 00",
  // LNKCTL 0x64 = "00 00", SLTCTL 0x6c = "c0 01", RTCTL 0x70 = "00 00", DEVCTL2 0x7c = "00 00",
  // LNKCTL2 0x84 = "04 00".
  EXPECT_EQ(pcie->payload, (std::vector<std::uint8_t>{0x7f, 0, 0, 0,  // all seven fields
                                                      0x0f, 0x00,     // device_control
                                                      0x00, 0x00,     // link_control
                                                      0x00, 0x00,     // link_control_aspm
                                                      0xc0, 0x01,     // slot_control
                                                      0x00, 0x00,     // root_control
                                                      0x00, 0x00,     // device_control2
                                                      0x04, 0x00}));  // link_control2
  // Type 1 header: identity without the subsystem dword = 3 reads; PCIe 6 registers (flags in
  // the header's dword); MSI-X 1 (table location).
  EXPECT_EQ(got.reads, 3 + discovery_reads(source, *PciAddress::parse("00:01.0")) + 6 + 1);
  const DecodedRecord d = decode_record(pcie::PciePlugin{}, *pcie);
  EXPECT_EQ(d.fields[3], (FieldValue{"slot_control", 0x01c0, true, Width::word}));
}

TEST(RealDump, OptionsSkipAndFailOnUnhandled) {
  DumpSource source{std::filesystem::path(kDump)};
  const Registry registry = shipped_plugins();
  Device dev = source.open(*PciAddress::parse("02:00.0"));
  SaveReport report;
  SaveOptions skip_pm{
      .skip = {CapabilityId{CapKind::standard, 0x01}, CapabilityId{CapKind::standard, 0x11}}};
  const DeviceSection s = save_device(dev, registry, skip_pm, report);
  ASSERT_EQ(s.records.size(), 1U);
  EXPECT_EQ(s.records[0].plugin, "pcie");
  EXPECT_THAT(report.unhandled, ::testing::IsEmpty());
  SaveOptions strict{.fail_on_unhandled = true};
  EXPECT_THAT(
      [&] { save_device(dev, registry, strict, report); },
      ::testing::ThrowsMessage<EngineError>(HasSubstr(
          "02:00.0: no plugin handles standard capability 0x01 at 0x060; install a plugin")));
}

}  // namespace
}  // namespace capstate::core
