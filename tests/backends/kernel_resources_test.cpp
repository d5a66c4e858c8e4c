// What the kernel says about a sysfs device: the `resource` file parsed into address ranges, the
// bound driver from the `driver` link, and both on a device opened from a fake sysfs tree.
#include <fstream>

#include "backend_test_util.hpp"
#include "backends/kernel_resources.hpp"
#include "backends/sysfs_source.hpp"

namespace capstate::core {
namespace {

using capstate::testing::TempDir;
using capstate::testing::write_bytes;
using ::testing::HasSubstr;

// Lines as a real kernel prints them (BAR0 64-bit memory, BAR2 I/O, ROM).
constexpr const char* kResource =
    "0x00000000fe800000 0x00000000fe803fff 0x0000000000140204\n"
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
    "0x000000000000c000 0x000000000000c01f 0x0000000000040101\n"
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
    "0x00000000fe840000 0x00000000fe87ffff 0x0000000000046200\n";

TEST(KernelResources, ParsesEveryLine) {
  const std::vector<KernelResource> r = parse_kernel_resources(kResource, "resource");
  ASSERT_EQ(r.size(), 7U);
  EXPECT_EQ(r[0].start, 0xfe800000U);
  EXPECT_EQ(r[0].end, 0xfe803fffU);
  EXPECT_EQ(r[0].flags, 0x140204U);
  EXPECT_EQ(r[2].start, 0xc000U);
  EXPECT_EQ(r[6].end, 0xfe87ffffU);
  EXPECT_EQ(r[1].flags, 0U);
}

TEST(KernelResources, AMalformedLineNamesTheFileAndLine) {
  try {
    parse_kernel_resources("0x0 0x0 0x0\n0x10 zz 0x0\n", "/sys/x/resource");
    FAIL() << "no error";
  } catch (const AccessError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/sys/x/resource line 2: \"0x10 zz 0x0\""));
  }
  EXPECT_THROW(parse_kernel_resources("0x1 0x2\n", "r"), AccessError);
  EXPECT_THROW(parse_kernel_resources("0x1 0x2 0x3 0x4\n", "r"), AccessError);
}

TEST(KernelResources, ASysfsDeviceCarriesItsResourcesAndDriver) {
  TempDir tmp;
  const auto dir = tmp.path() / "bus" / "pci" / "devices" / "0000:00:03.0";
  std::filesystem::create_directories(dir);
  write_bytes(dir / "config", std::vector<std::uint8_t>(256, 0));
  std::ofstream(dir / "resource") << kResource;
  std::filesystem::create_directories(tmp.path() / "bus" / "pci" / "drivers" / "e1000e");
  std::filesystem::create_directory_symlink("../../../../bus/pci/drivers/e1000e", dir / "driver");
  SysfsSource source(tmp.path());
  const Device d = source.open(*PciAddress::parse("0000:00:03.0"));
  EXPECT_EQ(d.kernel_resources.size(), 7U);
  EXPECT_EQ(d.kernel_resources[0].start, 0xfe800000U);
  EXPECT_EQ(d.bound_driver, "e1000e");
}

TEST(KernelResources, NoResourceFileAndNoDriverAreEmpty) {
  TempDir tmp;
  EXPECT_TRUE(read_kernel_resources(tmp.path()).empty());
  EXPECT_EQ(read_bound_driver(tmp.path()), "");
}

}  // namespace
}  // namespace capstate::core
