#include "engine/save_state.hpp"

#include <sys/utsname.h>

#include <ctime>

#include "util/version.hpp"

namespace capstate::core {

Envelope make_envelope() {
  Envelope e;
  e.producer_name = std::string(kProducerName);
  e.producer_version = std::string(producer_version());
  e.created_unix = static_cast<std::int64_t>(std::time(nullptr));
  utsname u{};
  e.kernel_release = uname(&u) == 0 ? u.release : "unknown";
  return e;
}

StateFile save_state(DeviceSource& source, const std::vector<PciAddress>& addresses,
                     const Registry& registry, const SaveOptions& options, SaveReport& report) {
  StateFile file{make_envelope(), {}};
  file.devices.reserve(addresses.size());
  for (const PciAddress& address : addresses) {
    Device device = source.open(address);
    file.devices.push_back(save_device(device, registry, options, report));
  }
  return file;
}

}  // namespace capstate::core
