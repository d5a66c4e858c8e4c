// discover() on real dumps (tests/data/*.xxxx.txt) against `lspci -F <dump> -vv`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "discovery/discovery.hpp"
#include "discovery/vector_config_space.hpp"
#include "support/lspci_oracle.hpp"

namespace capstate::test {
namespace {

using core::discover;

struct OracleStats {
  std::size_t devices = 0;
  std::size_t capabilities = 0;
  std::size_t mapped_ids = 0;  // lspci lines whose name mapped to an ID (compared by ID too)
};

// Discovers every device of `file` and compares it with lspci's view; returns counts.
OracleStats check_against_lspci(const std::string& file) {
  OracleStats stats;
  const auto lspci = find_program("lspci");
  if (!lspci) {
    ADD_FAILURE() << "lspci not found: install pciutils (e.g. apt-get install pciutils)";
    return stats;
  }
  const auto dump = parse_lspci_dump(file);
  const auto oracle = parse_lspci_vv(run_command(*lspci + " -F " + shell_quote(file) + " -vv"));

  std::set<std::string> dump_addresses;
  for (const auto& device : dump) {
    dump_addresses.insert(device.address);
    VectorConfigSpace config(device.bytes, device.address);
    const auto result = discover(config);
    EXPECT_TRUE(result.warnings.empty()) << device.address << ": " << result.warnings.front();
    EXPECT_EQ(config.writes(), 0U);
    const auto it = oracle.find(device.address);
    if (it == oracle.end()) {
      ADD_FAILURE() << file << ": lspci printed no device " << device.address;
      continue;
    }
    EXPECT_EQ(compare_with_lspci(result.capabilities, it->second), "")
        << file << " device " << device.address << " (" << device.description << ")";
    ++stats.devices;
    stats.capabilities += result.capabilities.size();
    for (const auto& line : it->second) {
      stats.mapped_ids += line.id.has_value() ? 1 : 0;
    }
  }
  for (const auto& [address, caps] : oracle) {
    EXPECT_EQ(dump_addresses.count(address), 1U)
        << "lspci printed " << address << " which is not in " << file;
  }
  return stats;
}

TEST(DiscoveryOracle, QemuQ35GuestMatchesLspci) {
  const auto stats = check_against_lspci(CAPSTATE_TEST_DATA_DIR "/qemu-q35-guest.xxxx.txt");
  EXPECT_EQ(stats.devices, 12U);
  // 4 root ports x (PCIe, MSI-X, SSVID, AER, ACS) + AHCI (MSI, SATA) + 82574L (PM, MSI, PCIe,
  // MSI-X, AER, DSN) + NVMe (MSI-X, PCIe, PM) + virtio-net (MSI-X, 5 vendor, PM, PCIe) + xHCI (2)
  EXPECT_EQ(stats.capabilities, 20U + 2U + 6U + 3U + 8U + 2U);
  EXPECT_EQ(stats.mapped_ids, stats.capabilities);  // every name in this dump maps to an ID
}

TEST(DiscoveryOracle, MicrovmHostMatchesLspci) {
  const auto stats = check_against_lspci(CAPSTATE_TEST_DATA_DIR "/microvm-host.xxxx.txt");
  EXPECT_EQ(stats.devices, 6U);
  EXPECT_EQ(stats.capabilities, 5U * 6U);  // 5 virtio devices x (5 vendor-specific + MSI-X)
  EXPECT_EQ(stats.mapped_ids, stats.capabilities);
}

TEST(DiscoveryOracle, E1000eExactList) {
  // One device spelled out, so a bug shared by discover() and the oracle parser still shows.
  const auto dump = parse_lspci_dump(CAPSTATE_TEST_DATA_DIR "/qemu-q35-guest.xxxx.txt");
  const DumpDevice* nic = nullptr;
  for (const auto& device : dump) {
    if (device.address == "01:00.0") {
      nic = &device;
    }
  }
  ASSERT_NE(nic, nullptr);
  ASSERT_EQ(nic->bytes.size(), 4096U);
  VectorConfigSpace config(nic->bytes, "0000:01:00.0");
  const auto result = discover(config);
  using C = Capability;
  constexpr auto s = CapKind::standard;
  constexpr auto e = CapKind::extended;
  EXPECT_THAT(
      result.capabilities,
      ::testing::ElementsAre(C{s, 0x01, 0xc8, 0}, C{s, 0x05, 0xd0, 0}, C{s, 0x10, 0xe0, 0},
                             C{s, 0x11, 0xa0, 0}, C{e, 0x0001, 0x100, 2}, C{e, 0x0003, 0x140, 1}));
  EXPECT_EQ(config.reads(), (ReadCounts{2, 5, 2}));
}

TEST(LspciOracle, ParsesCapabilityLines) {
  const auto devices = parse_lspci_vv(
      "00:01.0 PCI bridge: Red Hat, Inc. QEMU PCIe Root port\n"
      "\tCapabilities: [54] Express (v2) Root Port (Slot+), MSI 00\n"
      "\t\tDevCap:\tMaxPayload 128 bytes\n"
      "\tCapabilities: [48] #1c [0000]\n"
      "\tCapabilities: [40] <chain looped>\n"
      "\tCapabilities: [100 v2] Advanced Error Reporting\n"
      "\tCapabilities: [148 v1] Virtual Channel\n"
      "\tCapabilities: [200 v3] Extended Capability ID 0x2f\n"
      "0000:00:02.0 Host bridge: Intel Corporation Device 0d57\n");
  ASSERT_EQ(devices.size(), 2U);
  EXPECT_TRUE(devices.at("00:02.0").empty());
  const auto& caps = devices.at("00:01.0");
  ASSERT_EQ(caps.size(), 5U);
  EXPECT_EQ(caps[0].id, 0x10);
  EXPECT_EQ(caps[0].offset, 0x54);
  EXPECT_EQ(caps[1].id, 0x1c);
  EXPECT_EQ(caps[2].kind, CapKind::extended);
  EXPECT_EQ(caps[2].version, 2);
  EXPECT_EQ(caps[2].id, 0x0001);
  EXPECT_EQ(caps[3].id, std::nullopt);  // "Virtual Channel" is printed for two IDs
  EXPECT_EQ(caps[3].offset, 0x148);
  EXPECT_EQ(caps[4].id, 0x002f);
}

TEST(LspciOracle, CompareReportsFirstDifference) {
  const std::vector<LspciCapability> expected{
      {CapKind::standard, 0x40, 0, 0x11, "MSI-X: Enable- Count=4 Masked-"},
      {CapKind::extended, 0x100, 2, 0x0001, "Advanced Error Reporting"}};
  EXPECT_EQ(
      compare_with_lspci(
          {{CapKind::standard, 0x11, 0x40, 0}, {CapKind::extended, 0x0001, 0x100, 2}}, expected),
      "");
  EXPECT_EQ(
      compare_with_lspci(
          {{CapKind::standard, 0x11, 0x40, 0}, {CapKind::extended, 0x0001, 0x100, 1}}, expected),
      "entry 1: found extended 0x0001 at 0x100 v1, but lspci printed [0x100 v2] Advanced "
      "Error Reporting");
  EXPECT_EQ(compare_with_lspci({{CapKind::standard, 0x11, 0x40, 0}}, expected),
            "found 1 capabilities, lspci printed 2; first missing: [0x100] Advanced Error "
            "Reporting");
}

TEST(LspciOracle, DumpParserRejectsGapsWithLine) {
  EXPECT_THAT(
      [] { parse_lspci_dump_text("00:01.0 X\n00: 00 01\n10: 00\n", "mem.txt"); },
      ::testing::ThrowsMessage<std::runtime_error>("mem.txt:3: expected offset 0x02, found 0x10"));
}

}  // namespace
}  // namespace capstate::test
