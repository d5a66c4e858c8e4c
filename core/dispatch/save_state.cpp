#include "dispatch/save_state.hpp"

#include <sys/utsname.h>

#include <ctime>

#include "engine/plugin_call.hpp"
#include "util/version.hpp"

namespace capstate::core {
namespace {

std::string left_out_line(const PciAddress& address, const std::string& why) {
  return address.str() +
         ": device left out of the state file (a plugin failed; policy plugin_failure = "
         "\"device\"): " +
         why;
}

}  // namespace

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
    if (options.on_plugin_failure != PluginFailureMode::device) {
      file.devices.push_back(save_device(device, registry, options, report));
      continue;
    }
    // All or nothing for this device: a section is kept only when every plugin succeeded.
    try {
      file.devices.push_back(save_device(device, registry, options, report));
    } catch (const PluginFailure& e) {
      report.left_out.push_back(left_out_line(address, e.what()));
    }
  }
  return file;
}

}  // namespace capstate::core
