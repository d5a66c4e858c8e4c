// SysfsSource BAR access through resourceN files of a fake sysfs tree (plain files, mmap'ed).
#include "backend_test_util.hpp"
#include "backends/sysfs_source.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;
using capstate::testing::read_bytes;
using capstate::testing::TempDir;
using capstate::testing::write_bytes;

class FakeSysfsBars : public ::testing::Test {
 protected:
  FakeSysfsBars() {
    dir = tmp / "bus" / "pci" / "devices" / "0000:01:00.0";
    write_bytes(dir / "config", std::vector<std::uint8_t>(4096, 0));
    std::vector<std::uint8_t> bar0(0x4000, 0);
    bar0[0x2000] = 0x01;
    bar0[0x2001] = 0x02;
    bar0[0x2002] = 0x03;
    bar0[0x2003] = 0x04;
    write_bytes(dir / "resource0", bar0);
    write_bytes(dir / "resource3", std::vector<std::uint8_t>(0x1000, 0xee));
    write_bytes(dir / "resource4", {});  // an unassigned BAR: empty file
  }
  TempDir tmp;
  std::filesystem::path dir;
  const PciAddress addr{0, 1, 0, 0};
};

TEST_F(FakeSysfsBars, SizesComeFromTheFiles) {
  SysfsSource sysfs(tmp.path());
  Device d = sysfs.open(addr);
  ASSERT_NE(d.bars, nullptr);
  EXPECT_TRUE(d.bars->has_bar(0));
  EXPECT_EQ(d.bars->bar_size(0), 0x4000U);
  EXPECT_FALSE(d.bars->has_bar(1));
  EXPECT_EQ(d.bars->bar_size(1), 0U);
  EXPECT_TRUE(d.bars->has_bar(3));
  EXPECT_EQ(d.bars->bar_size(3), 0x1000U);
  EXPECT_FALSE(d.bars->has_bar(4));
  EXPECT_FALSE(d.bars->has_bar(6));
}

TEST_F(FakeSysfsBars, ReadAndWriteThroughTheMapping) {
  {
    SysfsSource sysfs(tmp.path());
    Device d = sysfs.open(addr);
    EXPECT_EQ(d.bars->read32(0, 0x2000), 0x04030201U);
    EXPECT_EQ(d.bars->read32(3, 0xffc), 0xeeeeeeeeU);
    d.bars->write32(0, 0x3ffc, 0xdeadbeef);  // remaps read-write
    d.bars->write32(0, 0x0000, 0x00000001);
    EXPECT_EQ(d.bars->read32(0, 0x3ffc), 0xdeadbeefU);
    EXPECT_EQ(d.bars->read32(0, 0x2000), 0x04030201U);
  }  // unmapped here
  const auto bar0 = read_bytes(dir / "resource0");
  ASSERT_EQ(bar0.size(), 0x4000U);
  EXPECT_EQ(bar0[0x3ffc], 0xef);
  EXPECT_EQ(bar0[0x3fff], 0xde);
  EXPECT_EQ(bar0[0x0000], 0x01);
  EXPECT_EQ(bar0[0x2003], 0x04);
  EXPECT_EQ(read_bytes(dir / "resource3"), std::vector<std::uint8_t>(0x1000, 0xee));
}

TEST_F(FakeSysfsBars, OutOfRangeMisalignedAndMissingBars) {
  SysfsSource sysfs(tmp.path());
  Device d = sysfs.open(addr);
  EXPECT_EQ(error_of<AccessError>([&] { d.bars->read32(0, 0x4000); }),
            "0000:01:00.0: BAR 0 read at 0x4000 is beyond the end of the BAR (size 0x4000)");
  EXPECT_EQ(error_of<AccessError>([&] { d.bars->write32(3, 0xffe, 0); }),
            "0000:01:00.0: BAR 3 write at 0xffe is misaligned (must be a multiple of 4)");
  EXPECT_EQ(error_of<AccessError>([&] { d.bars->read32(1, 0); }),
            "0000:01:00.0: BAR 1 read at 0x0: BAR 1 has no memory to access (" +
                (dir / "resource1").string() + " is missing or empty)");
  EXPECT_EQ(error_of<AccessError>([&] { d.bars->read32(4, 0); }),
            "0000:01:00.0: BAR 4 read at 0x0: BAR 4 has no memory to access (" +
                (dir / "resource4").string() + " is missing or empty)");
  EXPECT_EQ(read_bytes(dir / "resource3"), std::vector<std::uint8_t>(0x1000, 0xee));
}

}  // namespace
}  // namespace capstate::core
