// SysfsSource: listing and opening devices of <root>/bus/pci/devices.
#include "backends/sysfs_source.hpp"

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "backends/kernel_resources.hpp"
#include "backends/sysfs_spaces.hpp"
#include "util/file_error.hpp"

namespace capstate::core {

SysfsSource::SysfsSource(std::filesystem::path root) : root_(std::move(root)) {}

std::string SysfsSource::describe() const {
  return "sysfs " + devices_dir().string();
}

std::vector<PciAddress> SysfsSource::addresses() {
  std::error_code ec;
  if (!std::filesystem::is_directory(root_, ec)) {
    throw FileError(root_, "sysfs root " + root_.string() +
                               " is not a directory; give the directory where sysfs is mounted "
                               "(normally /sys)");
  }
  std::vector<PciAddress> out;
  const auto dir = devices_dir();
  if (!std::filesystem::is_directory(dir, ec)) {
    return out;  // no PCI bus on this system
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (const auto address = PciAddress::parse(entry.path().filename().string())) {
      out.push_back(*address);
    }
  }
  if (ec) {
    throw FileError(dir,
                    "cannot list " + dir.string() + ": " + ec.message() +
                        "; check that sysfs is mounted there and readable",
                    ec.value());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Device SysfsSource::open(const PciAddress& address) {
  const std::string name = address.str();
  const auto dir = devices_dir() / name;
  std::error_code ec;
  if (!std::filesystem::exists(dir / "config", ec)) {
    throw AccessError(name + ": no such device (" + (dir / "config").string() +
                      " does not exist); `capstate list` shows the devices present");
  }
  Device device{address,
                std::make_unique<SysfsConfigSpace>(name, dir / "config"),
                std::make_unique<SysfsBarSpace>(name, dir),
                {},
                {}};
  device.kernel_resources = read_kernel_resources(dir);
  device.bound_driver = read_bound_driver(dir);
  return device;
}

}  // namespace capstate::core
