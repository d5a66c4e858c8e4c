// discover() on well-formed, hand-built images: exact lists and exact read counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "discovery/discovery.hpp"
#include "discovery/vector_config_space.hpp"
#include "support/lspci_oracle.hpp"
#include "support/temp_dir.hpp"

namespace capstate::test {
namespace {

using core::discover;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr auto kStd = CapKind::standard;
constexpr auto kExt = CapKind::extended;

// A PCIe endpoint with PM -> MSI -> PCIe (standard) and AER -> LTR (extended). Built by hand
// from the PCI Local Bus 3.0 / PCI Express 4.0 register layouts; lspci decodes it (see below).
VectorConfigSpace endpoint_image() {
  VectorConfigSpace dev(4096, "0000:00:05.0");
  dev.put16(0x00, 0x1b36);                    // vendor ID (Red Hat / QEMU)
  dev.put16(0x02, 0x00ff);                    // device ID (made up)
  dev.put16(0x06, 0x0010);                    // Status: capability list present
  dev.put8(0x0b, 0x02);                       // base class: network controller
  dev.put8(0x0e, 0x00);                       // header type 0
  dev.put8(0x34, 0x40);                       // capability pointer
  dev.add_standard(0x40, 0x01, 0x50);         // Power Management, next 0x50
  dev.put16(0x42, 0x0003);                    //   PMC: version 3
  dev.add_standard(0x50, 0x05, 0x60);         // MSI, next 0x60
  dev.put16(0x52, 0x0080);                    //   Message Control: 64-bit address capable
  dev.add_standard(0x60, 0x10, 0x00);         // PCI Express, end of list
  dev.put16(0x62, 0x0002);                    //   Flags: capability version 2, endpoint
  dev.add_extended(0x100, 0x0001, 2, 0x150);  // AER v2, next 0x150
  dev.add_extended(0x150, 0x0018, 1, 0x000);  // LTR v1, end of list
  dev.put16(0x154, 0x080a);  //   Max Snoop Latency: value 10, scale 2 (1024 ns) = 10240 ns
  dev.put16(0x156, 0x0c05);  //   Max No-Snoop Latency: value 5, scale 3 (32768 ns) = 163840 ns
  return dev;
}

TEST(DiscoveryWalk, PmMsiPcieAerLtrExactListAndReads) {
  VectorConfigSpace dev = endpoint_image();
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities,
              ElementsAre(Capability{kStd, 0x01, 0x40, 0}, Capability{kStd, 0x05, 0x50, 0},
                          Capability{kStd, 0x10, 0x60, 0}, Capability{kExt, 0x0001, 0x100, 2},
                          Capability{kExt, 0x0018, 0x150, 1}));
  EXPECT_THAT(result.warnings, IsEmpty());
  // status (16) + header type (8) + pointer (8) + 3 entries (16) + 2 headers (32)
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 4, 2}));
  EXPECT_EQ(dev.writes(), 0U);
}

TEST(DiscoveryWalk, GivenHeaderTypeIsNotReadAgain) {
  VectorConfigSpace dev = endpoint_image();
  const auto alone = discover(dev).capabilities;
  dev.clear_counts();
  const auto result = discover(dev, 0x00);
  EXPECT_EQ(result.capabilities, alone);
  EXPECT_THAT(result.warnings, IsEmpty());
  // status (16) + pointer (8) + 3 entries (16) + 2 headers (32): one 8-bit read fewer.
  EXPECT_EQ(dev.reads(), (ReadCounts{1, 4, 2}));
  EXPECT_EQ(dev.writes(), 0U);
}

TEST(DiscoveryWalk, GivenHeaderTypeDecidesTheListPointer) {
  VectorConfigSpace dev(256);
  dev.set_cap_list(0x00);  // the device says type 0 ...
  dev.put8(0x34, 0x60);
  dev.put8(0x14, 0x80);
  dev.add_standard(0x80, 0x01, 0x00);
  // ... but the caller's byte (multi-function bit set, type 2) is what counts.
  const auto result = discover(dev, 0x82);
  EXPECT_THAT(result.capabilities, ElementsAre(Capability{kStd, 0x01, 0x80, 0}));
  EXPECT_EQ(dev.reads(), (ReadCounts{1, 2, 0}));  // status, pointer at 0x14, one entry
  dev.clear_counts();
  const auto bad = discover(dev, 0x7f);
  EXPECT_THAT(bad.capabilities, IsEmpty());
  EXPECT_THAT(bad.warnings, ElementsAre(::testing::HasSubstr(
                                "header type 0x7f (at 0x0e) is not 0, 1 or 2, so the standard "
                                "capability list was not walked")));
  EXPECT_EQ(dev.reads(), (ReadCounts{0, 1, 0}));  // status only
}

TEST(DiscoveryWalk, HandBuiltImageMatchesLspci) {
  const auto lspci = find_program("lspci");
  ASSERT_TRUE(lspci.has_value()) << "lspci not found: install pciutils (apt-get install pciutils)";
  VectorConfigSpace dev = endpoint_image();
  const testsupport::TempDir dir;
  const auto dump = dir / "endpoint.xxxx.txt";
  write_lspci_dump(dump,
                   {DumpDevice{"00:05.0", "Ethernet controller: Device 1b36:00ff", dev.bytes()}});
  const std::string out = run_command(*lspci + " -F " + shell_quote(dump.string()) + " -vv");

  const auto devices = parse_lspci_vv(out);
  ASSERT_EQ(devices.count("00:05.0"), 1U) << out;
  const auto& caps = devices.at("00:05.0");
  ASSERT_EQ(caps.size(), 5U) << out;
  EXPECT_EQ(caps[4].id, 0x0018) << caps[4].text;
  EXPECT_EQ(compare_with_lspci(discover(dev).capabilities, caps), "");
  // lspci decodes the LTR latencies from the bytes above, so they follow the specification.
  EXPECT_THAT(out, ::testing::HasSubstr("Max snoop latency: 10240ns"));
  EXPECT_THAT(out, ::testing::HasSubstr("Max no snoop latency: 163840ns"));
}

TEST(DiscoveryWalk, CardBusListStartsAt0x14) {
  VectorConfigSpace dev(256);
  dev.set_cap_list(0x82);  // multi-function bit set; type 2 (CardBus)
  dev.put8(0x34, 0x60);    // ignored for CardBus
  dev.put8(0x14, 0x80);
  dev.add_standard(0x80, 0x01, 0x00);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, ElementsAre(Capability{kStd, 0x01, 0x80, 0}));
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 2, 0}));
}

TEST(DiscoveryWalk, BridgeHeaderUses0x34) {
  VectorConfigSpace dev(256);
  dev.set_cap_list(0x01);
  dev.put8(0x34, 0x48);
  dev.add_standard(0x48, 0x0d, 0x00);
  EXPECT_THAT(discover(dev).capabilities, ElementsAre(Capability{kStd, 0x0d, 0x48, 0}));
}

TEST(DiscoveryWalk, PointerLowBitsAreMasked) {
  VectorConfigSpace dev(4096);
  dev.set_cap_list();
  dev.put8(0x34, 0x43);                       // -> 0x40
  dev.add_standard(0x40, 0x01, 0x53);         // -> 0x50
  dev.add_standard(0x50, 0x05, 0x00);         // end
  dev.add_extended(0x100, 0x0001, 1, 0x142);  // next 0x142 -> 0x140
  dev.add_extended(0x140, 0x0003, 1, 0x000);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities,
              ElementsAre(Capability{kStd, 0x01, 0x40, 0}, Capability{kStd, 0x05, 0x50, 0},
                          Capability{kExt, 0x0001, 0x100, 1}, Capability{kExt, 0x0003, 0x140, 1}));
  EXPECT_THAT(result.warnings, IsEmpty());
}

TEST(DiscoveryWalk, IdFfEndsTheStandardListWithoutWarning) {
  VectorConfigSpace dev(256);
  dev.set_cap_list();
  dev.put8(0x34, 0x40);
  dev.add_standard(0x40, 0x01, 0x50);
  dev.add_standard(0x50, 0xff, 0x60);  // ID 0xff: end (0x60 is never visited)
  dev.add_standard(0x60, 0x05, 0x00);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, ElementsAre(Capability{kStd, 0x01, 0x40, 0}));
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 3, 0}));  // status + 2 entries, the 0xff one included
}

TEST(DiscoveryWalk, CapabilityListBitClearReadsStatusOnly) {
  VectorConfigSpace dev(256);
  dev.put8(0x34, 0x40);  // a pointer that must not be followed
  dev.add_standard(0x40, 0x01, 0x00);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, IsEmpty());
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{0, 1, 0}));
}

TEST(DiscoveryWalk, CapabilityListBitClearStillWalksExtended) {
  VectorConfigSpace dev(4096);
  dev.add_extended(0x100, 0x0001, 2, 0x000);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, ElementsAre(Capability{kExt, 0x0001, 0x100, 2}));
  EXPECT_EQ(dev.reads(), (ReadCounts{0, 1, 1}));
}

TEST(DiscoveryWalk, ConventionalDeviceHasNoExtendedWalk) {
  VectorConfigSpace dev(256);
  dev.set_cap_list();
  dev.put8(0x34, 0x40);
  dev.add_standard(0x40, 0x11, 0x00);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, ElementsAre(Capability{kStd, 0x11, 0x40, 0}));
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 2, 0}));  // no 32-bit read at all
}

TEST(DiscoveryWalk, ZeroHeaderAt0x100MeansNoExtendedCapabilities) {
  VectorConfigSpace dev(4096);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, IsEmpty());
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{0, 1, 1}));
}

TEST(DiscoveryWalk, AllOnesHeaderAt0x100MeansNoExtendedAccess) {
  VectorConfigSpace dev(4096);
  dev.set_cap_list();
  dev.put8(0x34, 0x40);
  dev.add_standard(0x40, 0x10, 0x00);
  dev.put32(0x100, 0xffffffff);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, ElementsAre(Capability{kStd, 0x10, 0x40, 0}));
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 2, 1}));
}

TEST(DiscoveryWalk, FortyEightEntriesFitWithoutWarning) {
  VectorConfigSpace dev(256);
  dev.set_cap_list();
  dev.put8(0x34, 0x40);
  for (unsigned at = 0x40; at <= 0xfc; at += 4) {  // every dword slot 0x40..0xfc: 48 entries
    dev.add_standard(static_cast<std::uint16_t>(at), 0x09,
                     static_cast<std::uint8_t>(at == 0xfc ? 0 : at + 4));
  }
  const auto result = discover(dev);
  ASSERT_EQ(result.capabilities.size(), 48U);
  EXPECT_EQ(result.capabilities.back(), (Capability{kStd, 0x09, 0xfc, 0}));
  EXPECT_THAT(result.warnings, IsEmpty());
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 49, 0}));
}

TEST(DiscoveryWalk, AccessErrorPropagates) {
  VectorConfigSpace dev = endpoint_image();
  dev.fail_reads_at(0x150);
  EXPECT_THROW(discover(dev), AccessError);
}

}  // namespace
}  // namespace capstate::test
