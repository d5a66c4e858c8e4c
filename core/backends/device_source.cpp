// Selecting devices of a source by slot and by vendor/device ID.
#include "backends/device_source.hpp"

namespace capstate::core {

std::vector<PciAddress> select_devices(DeviceSource& source, const Selector& selector) {
  std::vector<PciAddress> chosen;
  for (const PciAddress& address : source.addresses()) {
    if (!selector.matches_address(address)) {
      continue;
    }
    if (selector.needs_ids()) {
      Device device = source.open(address);
      const std::uint32_t ids = device.config->read32(0x00);  // vendor ID, then device ID
      if (!selector.matches_ids(static_cast<std::uint16_t>(ids & 0xffff),
                                static_cast<std::uint16_t>(ids >> 16))) {
        continue;
      }
    }
    chosen.push_back(address);
  }
  return chosen;
}

}  // namespace capstate::core
