// Devices of a running Linux system through sysfs (/sys/bus/pci/devices); the root is settable
// so tests can use a fake tree.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "backends/device_source.hpp"

namespace capstate::core {

/// The PCI devices under `<root>/bus/pci/devices/`; writes reach the hardware.
class SysfsSource final : public DeviceSource {
 public:
  /// Uses `<root>/bus/pci/devices/`; nothing is read until asked.
  explicit SysfsSource(std::filesystem::path root = "/sys");

  /// "sysfs <root>/bus/pci/devices".
  std::string describe() const override;
  /// Entries of the devices directory whose names are PCI addresses; empty when the directory
  /// is missing (no PCI bus). Throws std::runtime_error when the root itself is missing.
  std::vector<PciAddress> addresses() override;
  /// Config space and BARs of one device; AccessError when it has no config file.
  Device open(const PciAddress& address) override;
  /// Always true: writes reach the device.
  bool writes_hardware() const override { return true; }

  /// The sysfs root in use.
  const std::filesystem::path& root() const { return root_; }
  /// `<root>/bus/pci/devices`.
  std::filesystem::path devices_dir() const { return root_ / "bus" / "pci" / "devices"; }

 private:
  std::filesystem::path root_;
};

}  // namespace capstate::core
