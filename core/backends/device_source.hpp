// Where devices come from: a sysfs tree, an lspci dump, a raw image or an in-memory model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/counted_config_space.hpp"
#include "capstate/sdk/bar_space.hpp"
#include "capstate/sdk/restore.hpp"
#include "util/pci_address.hpp"

namespace capstate::core {

/// One opened PCI function. Its spaces stay valid while the source that opened it lives.
struct Device {
  PciAddress address;                          ///< where it sits
  std::unique_ptr<CountedConfigSpace> config;  ///< its configuration space
  std::unique_ptr<BarSpace> bars;              ///< its BAR memory; null when the source has none
  /// The running kernel's address assignment (sysfs `resource`); empty for dumps and images.
  std::vector<KernelResource> kernel_resources;
  /// The driver bound to it (sysfs `driver` link); empty when none or not known.
  std::string bound_driver;
};

/// A set of devices that commands read from and restore into.
class DeviceSource {
 public:
  virtual ~DeviceSource() = default;

  /// What this source is, for messages (e.g. "lspci dump tests/data/x.txt").
  virtual std::string describe() const = 0;
  /// Addresses of every device in the source, sorted.
  virtual std::vector<PciAddress> addresses() = 0;
  /// Opens one device; throws AccessError naming the device when it cannot.
  virtual Device open(const PciAddress& address) = 0;
  /// Whether writes reach real hardware (false for dumps, images and models).
  virtual bool writes_hardware() const = 0;
};

/// Addresses in `source` matching `selector` (reads vendor/device IDs only when -d was given).
std::vector<PciAddress> select_devices(DeviceSource& source, const Selector& selector);

}  // namespace capstate::core
