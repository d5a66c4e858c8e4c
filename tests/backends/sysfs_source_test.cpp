// SysfsSource on a fake sysfs tree in a temporary directory: listing, config reads and writes.
// (Never writes the real /sys; the one real-/sys test only lists and reads.)
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "backend_test_util.hpp"
#include "backends/sysfs_source.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;
using capstate::testing::read_bytes;
using capstate::testing::TempDir;
using capstate::testing::write_bytes;
using ::testing::HasSubstr;

/// A fake sysfs root: devices live in devices/pci0000:00/<addr> and bus/pci/devices/<addr> links
/// to them, as on a real system.
class FakeSysfs : public ::testing::Test {
 protected:
  std::filesystem::path add_device(const std::string& name, std::vector<std::uint8_t> config,
                                   bool symlink = true) {
    const auto devices = tmp / "bus" / "pci" / "devices";
    std::filesystem::create_directories(devices);
    std::filesystem::path dir;
    if (symlink) {
      dir = tmp / "devices" / "pci0000:00" / name;
      std::filesystem::create_directories(dir);
      std::filesystem::create_directory_symlink("../../../devices/pci0000:00/" + name,
                                                devices / name);
    } else {
      dir = devices / name;
      std::filesystem::create_directories(dir);
    }
    write_bytes(dir / "config", config);
    return dir;
  }

  static std::vector<std::uint8_t> counting(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = static_cast<std::uint8_t>(i);
    }
    return v;
  }

  TempDir tmp;
};

TEST_F(FakeSysfs, ListsAddressEntriesSortedAndFollowsSymlinks) {
  add_device("0000:02:00.0", counting(4096));
  add_device("0000:00:1f.2", counting(256));
  add_device("0001:00:00.0", counting(256), false);
  std::filesystem::create_directories(tmp / "bus" / "pci" / "devices" / "not-a-device");
  SysfsSource sysfs(tmp.path());
  EXPECT_TRUE(sysfs.writes_hardware());
  EXPECT_EQ(sysfs.describe(), "sysfs " + (tmp / "bus/pci/devices").string());
  EXPECT_EQ(sysfs.addresses(),
            (std::vector<PciAddress>{{0, 0, 0x1f, 2}, {0, 2, 0, 0}, {1, 0, 0, 0}}));
  Device d = sysfs.open(PciAddress{0, 0, 0x1f, 2});
  EXPECT_EQ(d.config->device_name(), "0000:00:1f.2");
  EXPECT_EQ(d.config->read8(0x10), 0x10);
}

TEST_F(FakeSysfs, NoPciBusMeansNoDevicesButAMissingRootIsAnError) {
  EXPECT_TRUE(SysfsSource(tmp.path()).addresses().empty());
  EXPECT_EQ(error_of<std::runtime_error>([&] { SysfsSource(tmp / "nope").addresses(); }),
            "sysfs root " + (tmp / "nope").string() +
                " is not a directory; give the directory where sysfs is mounted (normally /sys)");
}

TEST_F(FakeSysfs, SizeFollowsTheConfigFile) {
  add_device("0000:00:01.0", counting(256));
  add_device("0000:00:02.0", counting(4096));
  SysfsSource sysfs(tmp.path());
  EXPECT_EQ(sysfs.open(PciAddress{0, 0, 1, 0}).config->size(), 256);
  EXPECT_EQ(sysfs.open(PciAddress{0, 0, 2, 0}).config->size(), 4096);
}

TEST_F(FakeSysfs, ReadsEveryWidthLittleEndianAndCounts) {
  add_device("0000:00:02.0", counting(4096));
  SysfsSource sysfs(tmp.path());
  Device d = sysfs.open(PciAddress{0, 0, 2, 0});
  EXPECT_EQ(d.config->read8(0x21), 0x21);
  EXPECT_EQ(d.config->read16(0x22), 0x2322);
  EXPECT_EQ(d.config->read32(0x104), 0x07060504U);  // 0x104..0x107 hold 04 05 06 07
  EXPECT_EQ(d.config->read32(0xffc), 0xfffefdfcU);
  EXPECT_EQ(d.config->counts().reads[0], 1U);
  EXPECT_EQ(d.config->counts().reads[1], 1U);
  EXPECT_EQ(d.config->counts().reads[2], 2U);
  EXPECT_THAT(error_of<AccessError>([&] { d.config->read32(0x1000); }),
              HasSubstr("beyond the end of configuration space (size 0x1000)"));
}

TEST_F(FakeSysfs, WritesLandInTheFile) {
  const auto dir = add_device("0000:00:02.0", counting(256));
  SysfsSource sysfs(tmp.path());
  {
    Device d = sysfs.open(PciAddress{0, 0, 2, 0});
    EXPECT_EQ(d.config->read16(0x04), 0x0504);  // read before the first write: read-only fd
    d.config->write16(0x04, 0x0406);
    d.config->write8(0x3c, 0x0b);
    d.config->write32(0x40, 0xa1b2c3d4);
    EXPECT_EQ(d.config->read16(0x04), 0x0406);  // reads after writes see them
    EXPECT_EQ(d.config->counts().total_writes(), 3U);
  }
  auto expected = counting(256);
  expected[0x04] = 0x06;
  expected[0x05] = 0x04;
  expected[0x3c] = 0x0b;
  expected[0x40] = 0xd4;
  expected[0x41] = 0xc3;
  expected[0x42] = 0xb2;
  expected[0x43] = 0xa1;
  EXPECT_EQ(read_bytes(dir / "config"), expected);
}

TEST_F(FakeSysfs, ShortConfigFileSaysRunAsRoot) {
  add_device("0000:00:03.0", counting(64));  // what an unprivileged user can read
  SysfsSource sysfs(tmp.path());
  Device d = sysfs.open(PciAddress{0, 0, 3, 0});
  EXPECT_EQ(d.config->size(), 256);
  EXPECT_EQ(d.config->read32(0x3c), 0x3f3e3d3cU);
  const std::string config = (tmp / "bus/pci/devices/0000:00:03.0/config").string();
  EXPECT_EQ(error_of<AccessError>([&] { d.config->read32(0x40); }),
            "0000:00:03.0: 32-bit read at 0x0040: " + config +
                " returned 0 of 4 bytes; the kernel shows unprivileged users only the first 64 "
                "bytes of configuration space, so run capstate as root");
}

TEST_F(FakeSysfs, MissingDevice) {
  SysfsSource sysfs(tmp.path());
  EXPECT_EQ(error_of<AccessError>([&] {
              sysfs.open(PciAddress{0, 0, 5, 0});
            }),
            "0000:00:05.0: no such device (" +
                (tmp / "bus/pci/devices/0000:00:05.0/config").string() +
                " does not exist); `capstate list` shows the devices present");
}

TEST_F(FakeSysfs, UnwritableConfigSaysRoot) {
  const auto dir = add_device("0000:00:04.0", counting(256));
  namespace fs = std::filesystem;
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir / "config",
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  SysfsSource sysfs(tmp.path());
  // In a child process; root drops to "nobody" first, since root may write a read-only file.
  EXPECT_EXIT(
      {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
          std::_Exit(3);
        }
        try {
          Device d = sysfs.open(PciAddress{0, 0, 4, 0});
          d.config->write8(0x3c, 1);
        } catch (const AccessError& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::_Exit(0);
        }
        std::_Exit(2);
      },
      ::testing::ExitedWithCode(0),
      "0000:00:04\\.0: 8-bit write at 0x003c: cannot open .*/config for writing: Permission "
      "denied; writing configuration space needs root");
  EXPECT_EQ(read_bytes(dir / "config"), counting(256));
}

TEST(RealSysfs, ListingAndReadingIsHarmless) {
  // Read-only look at this machine; passes with or without PCI devices.
  SysfsSource sysfs;
  const auto addresses = sysfs.addresses();
  if (addresses.empty()) {
    return;
  }
  Device d = sysfs.open(addresses.front());
  const std::uint16_t vendor = d.config->read16(0x00);
  EXPECT_NE(vendor, 0xffff) << addresses.front().str();
  EXPECT_TRUE(d.config->size() == 256 || d.config->size() == 4096);
}

}  // namespace
}  // namespace capstate::core
