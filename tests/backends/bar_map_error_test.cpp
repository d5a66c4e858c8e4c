// A BAR the kernel refuses to map: the message says why (a driver-claimed BAR under
// CONFIG_IO_STRICT_DEVMEM, kernel lockdown, ...) and what to do, and the error carries device,
// BAR, path and errno.
#include <unistd.h>

#include <cerrno>

#include "backend_test_util.hpp"
#include "backends/sysfs_source.hpp"
#include "backends/sysfs_spaces.hpp"

namespace capstate::core {
namespace {

using capstate::testing::TempDir;
using capstate::testing::write_bytes;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::filesystem::path kPath = "/sys/bus/pci/devices/0000:03:00.0/resource2";

TEST(BarMapFailureText, EinvalFromMmapIsAClaimedBarUnderStrictDevmem) {
  EXPECT_EQ(bar_map_failure_text("0000:03:00.0", 2, kPath, false, "mmap", EINVAL),
            "0000:03:00.0: cannot map BAR 2 (/sys/bus/pci/devices/0000:03:00.0/resource2) for "
            "reading: mmap failed with EINVAL (Invalid argument); the kernel refuses to map a "
            "memory BAR that a driver has claimed (kernels built with CONFIG_IO_STRICT_DEVMEM, "
            "such as Debian's). Boot with iomem=relaxed, or unbind the driver first (write "
            "0000:03:00.0 to /sys/bus/pci/devices/0000:03:00.0/driver/unbind), then retry");
}

TEST(BarMapFailureText, EpermIsKernelLockdown) {
  const std::string text = bar_map_failure_text("0000:03:00.0", 2, kPath, true, "mmap", EPERM);
  EXPECT_THAT(text, StartsWith("0000:03:00.0: cannot map BAR 2 (" + kPath.string() +
                               ") for writing: mmap failed with EPERM (Operation not permitted); "
                               "kernel lockdown forbids mapping PCI BARs from user space"));
  EXPECT_THAT(text, EndsWith("Disable kernel lockdown, for example by turning Secure Boot off, "
                             "then retry"));
}

TEST(BarMapFailureText, EaccesFromOpenNeedsRoot) {
  EXPECT_THAT(bar_map_failure_text("0000:03:00.0", 0, kPath, false, "open", EACCES),
              EndsWith(": open failed with EACCES (Permission denied); BAR access needs root; "
                       "run capstate as root"));
}

TEST(BarMapFailureText, EinvalFromOpenIsNotTheStrictDevmemCase) {
  const std::string text = bar_map_failure_text("0000:03:00.0", 0, kPath, false, "open", EINVAL);
  EXPECT_THAT(text, Not(HasSubstr("iomem=relaxed")));
  EXPECT_THAT(text, EndsWith("BAR access needs root and a memory (not I/O) BAR"));
}

TEST(BarMapFailureText, UnnamedErrnoShowsItsNumber) {
  EXPECT_THAT(bar_map_failure_text("0000:03:00.0", 5, kPath, false, "mmap", EAGAIN),
              HasSubstr("mmap failed with errno " + std::to_string(EAGAIN) + " ("));
}

// A resource file that cannot be mapped for real: a sysfs attribute file (no mmap: ENODEV).
TEST(BarMapError, UnmappableResourceFileThrowsBarMapErrorWithItsFields) {
  const std::filesystem::path unmappable = "/sys/kernel/mm/transparent_hugepage/enabled";
  std::error_code ec;
  if (std::filesystem::file_size(unmappable, ec) == 0 || ec ||
      ::access(unmappable.c_str(), R_OK) != 0) {
    GTEST_SKIP() << unmappable << " is not readable here";
  }
  TempDir tmp;
  const auto dir = tmp / "bus/pci/devices/0000:03:00.0";
  write_bytes(dir / "config", std::vector<std::uint8_t>(256, 0));
  std::filesystem::create_symlink(unmappable, dir / "resource2");
  SysfsSource sysfs(tmp.path());
  Device d = sysfs.open(PciAddress{0, 3, 0, 0});
  ASSERT_TRUE(d.bars->has_bar(2));
  try {
    (void)d.bars->read32(2, 0);
    FAIL() << "mapping a sysfs attribute file succeeded";
  } catch (const BarMapError& e) {
    EXPECT_EQ(e.device(), "0000:03:00.0");
    EXPECT_EQ(e.bar(), 2);
    EXPECT_EQ(e.path(), dir / "resource2");
    EXPECT_EQ(e.error_number(), ENODEV);
    EXPECT_EQ(std::string(e.what()),
              bar_map_failure_text("0000:03:00.0", 2, dir / "resource2", false, "mmap", ENODEV));
    EXPECT_THAT(e.what(), HasSubstr("it is not a PCI resource file (check --sysfs-root)"));
  }
}

TEST(BarMapError, IsAnAccessError) {
  const BarMapError e("0000:03:00.0", 1, kPath, EPERM, "text");
  const AccessError& base = e;
  EXPECT_STREQ(base.what(), "text");
}

}  // namespace
}  // namespace capstate::core
