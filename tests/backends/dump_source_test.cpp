// DumpSource over the real lspci dumps in tests/data (qemu-q35-guest.xxxx.txt,
// microvm-host.xxxx.txt).
#include <regex>

#include "backend_test_util.hpp"
#include "backends/dump_source.hpp"

namespace capstate::core {
namespace {

using capstate::testing::data_file;
using capstate::testing::error_of;
using capstate::testing::read_text;

PciAddress at(const char* text) {
  return PciAddress::from_text(text);
}

TEST(DumpSourceQ35, ListsEveryDeviceSorted) {
  DumpSource dump(data_file("qemu-q35-guest.xxxx.txt"));
  const std::vector<PciAddress> expected{
      at("00:00.0"), at("00:01.0"), at("00:02.0"), at("00:03.0"), at("00:04.0"), at("00:1f.0"),
      at("00:1f.2"), at("00:1f.3"), at("01:00.0"), at("02:00.0"), at("03:00.0"), at("04:00.0")};
  EXPECT_EQ(dump.addresses(), expected);
  EXPECT_FALSE(dump.writes_hardware());
  EXPECT_EQ(dump.describe(), "lspci dump " + data_file("qemu-q35-guest.xxxx.txt").string());
}

class VerboseTwin : public ::testing::TestWithParam<const char*> {};

TEST_P(VerboseTwin, AddressesMatchTheDump) {
  // The -vv capture of the same moment lists the same devices in the same order.
  const std::string name = GetParam();
  DumpSource dump(data_file(name + ".xxxx.txt"));
  const std::string vv = read_text(data_file(name + ".vv.txt"));
  const std::regex device_line(R"((^|\n)([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) )");
  std::vector<PciAddress> from_vv;
  for (auto it = std::sregex_iterator(vv.begin(), vv.end(), device_line);
       it != std::sregex_iterator(); ++it) {
    from_vv.push_back(at((*it)[2].str().c_str()));
  }
  EXPECT_FALSE(from_vv.empty());
  EXPECT_EQ(dump.addresses(), from_vv);
}

INSTANTIATE_TEST_SUITE_P(RealDumps, VerboseTwin,
                         ::testing::Values("qemu-q35-guest", "microvm-host"));

TEST(DumpSourceQ35, ReadsExactBytes) {
  DumpSource dump(data_file("qemu-q35-guest.xxxx.txt"));
  Device nic = dump.open(at("01:00.0"));
  EXPECT_EQ(nic.config->device_name(), "0000:01:00.0");
  EXPECT_EQ(nic.config->read16(0x00), 0x8086);        // vendor: Intel
  EXPECT_EQ(nic.config->read16(0x02), 0x10d3);        // device: 82574L
  EXPECT_EQ(nic.config->read32(0x10), 0xfe040000U);   // BAR0 "00 00 04 fe", little-endian
  EXPECT_EQ(nic.config->read8(0x34), 0xc8);           // capability pointer
  EXPECT_EQ(nic.config->read32(0x100), 0x14020001U);  // first extended header "01 00 02 14"
  EXPECT_EQ(nic.config->read32(0x144), 0xff123456U);  // "56 34 12 ff" at 0x144
  EXPECT_EQ(nic.bars, nullptr);

  Device sata = dump.open(at("00:1f.2"));
  EXPECT_EQ(sata.config->read32(0x00), 0x29228086U);
  EXPECT_EQ(sata.config->read8(0x08), 0x02);  // revision
}

TEST(DumpSourceQ35, SizesFollowTheBytesGiven) {
  DumpSource dump(data_file("qemu-q35-guest.xxxx.txt"));
  EXPECT_EQ(dump.open(at("00:00.0")).config->size(), 256);  // no extended space shown
  EXPECT_EQ(dump.open(at("00:1f.3")).config->size(), 256);
  EXPECT_EQ(dump.open(at("00:01.0")).config->size(), 4096);
  EXPECT_EQ(dump.open(at("04:00.0")).config->size(), 4096);
  EXPECT_EQ(dump.held_bytes(at("00:1f.0")), 256U);
  EXPECT_EQ(dump.held_bytes(at("02:00.0")), 4096U);
}

TEST(DumpSourceMicrovm, AddressesHaveDomainZero) {
  // The microvm capture prints no domain ("00:05.0"): every device is in domain 0000.
  DumpSource dump(data_file("microvm-host.xxxx.txt"));
  const auto addresses = dump.addresses();
  ASSERT_EQ(addresses.size(), 6U);
  EXPECT_EQ(addresses.front().str(), "0000:00:00.0");
  EXPECT_EQ(addresses.back().str(), "0000:00:05.0");
  for (const auto& a : addresses) {
    EXPECT_EQ(a.domain, 0U);
  }
  EXPECT_EQ(dump.open(at("00:00.0")).config->size(), 4096);  // host bridge: -xxxx gave 4096 bytes
  EXPECT_EQ(dump.open(at("00:05.0")).config->size(), 256);
  Device rng = dump.open(at("0000:00:05.0"));
  EXPECT_EQ(rng.config->read32(0x00), 0x10441af4U);  // Red Hat virtio RNG
  EXPECT_EQ(rng.config->read16(0x0a), 0xffff);       // "Unassigned class [ffff]"
}

TEST(DumpSource, UnknownDeviceIsAnAccessError) {
  DumpSource dump(data_file("microvm-host.xxxx.txt"));
  EXPECT_EQ(error_of<AccessError>([&] { dump.open(at("00:06.0")); }),
            "0000:00:06.0: no such device in lspci dump " +
                data_file("microvm-host.xxxx.txt").string() +
                " (it holds 6 devices; `capstate list` shows their addresses)");
}

TEST(DumpSource, SixtyFourByteDumpRefusesReadsBeyond) {
  std::string text = "0000:00:02.0 VGA compatible controller: test\n";
  for (int row = 0; row < 4; ++row) {
    char line[80];
    std::snprintf(line, sizeof line, "%02x: %02x 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n",
                  row * 16, row);
    text += line;
  }
  DumpSource dump(text, "x.txt");
  Device d = dump.open(at("00:02.0"));
  EXPECT_EQ(d.config->size(), 256);
  EXPECT_EQ(d.config->read8(0x30), 0x03);
  EXPECT_EQ(d.config->read32(0x3c), 0x0f0e0d0cU);
  EXPECT_EQ(error_of<AccessError>([&] { d.config->read32(0x40); }),
            "0000:00:02.0: 32-bit read at 0x0040: the dump holds only 64 bytes of this device; "
            "capture it with lspci -xxx or -xxxx");
  EXPECT_EQ(error_of<AccessError>([&] { d.config->write8(0x41, 0); }),
            "0000:00:02.0: 8-bit write at 0x0041: the dump holds only 64 bytes of this device; "
            "capture it with lspci -xxx or -xxxx");
  EXPECT_EQ(error_of<AccessError>([&] { d.config->read32(0x100); }),
            "0000:00:02.0: 32-bit read at 0x0100 is beyond the end of configuration space "
            "(size 0x100)");
}

TEST(DumpSource, WritesChangeOnlyTheCopyAndAreShared) {
  DumpSource dump(data_file("qemu-q35-guest.xxxx.txt"));
  const std::string before = read_text(data_file("qemu-q35-guest.xxxx.txt"));
  {
    Device nic = dump.open(at("01:00.0"));
    nic.config->write16(0x04, 0x0507);  // command register
    nic.config->write32(0x144, 0x01020304);
  }
  Device again = dump.open(at("01:00.0"));
  EXPECT_EQ(again.config->read16(0x04), 0x0507);
  EXPECT_EQ(again.config->read32(0x144), 0x01020304U);
  EXPECT_EQ(dump.bytes(at("01:00.0"))[0x144], 0x04);
  EXPECT_EQ(read_text(data_file("qemu-q35-guest.xxxx.txt")), before);
}

TEST(DumpSource, CountsAreRunningTotalsPerDevice) {
  DumpSource dump(data_file("microvm-host.xxxx.txt"));
  {
    Device a = dump.open(at("00:01.0"));
    a.config->read32(0x00);
    a.config->read8(0x34);
  }
  {
    Device b = dump.open(at("00:01.0"));
    b.config->read32(0x04);
    b.config->write16(0x04, 0x0006);
    EXPECT_EQ(b.config->counts().total_reads(), 1U);  // per-object counts
  }
  const AccessCounts total = dump.counts(at("00:01.0"));
  EXPECT_EQ(total.reads[0], 1U);
  EXPECT_EQ(total.reads[2], 2U);
  EXPECT_EQ(total.writes[1], 1U);
  EXPECT_EQ(dump.counts(at("00:02.0")).total_reads(), 0U);
}

}  // namespace
}  // namespace capstate::core
