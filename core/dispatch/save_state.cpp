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

StateFile save_state_with(DeviceSource& source, const std::vector<PciAddress>& addresses,
                          const Registry& registry, const SaveOptionsFor& options_for,
                          SaveReport& report) {
  StateFile file{make_envelope(), {}};
  file.devices.reserve(addresses.size());
  for (const PciAddress& address : addresses) {
    Device device = source.open(address);
    PluginFailureMode mode = PluginFailureMode::abort;
    const SaveOptionsFor chosen = [&](const PciAddress& a, const DeviceIdentity& id) {
      std::optional<SaveOptions> options = options_for(a, id);
      if (options) {
        mode = options->on_plugin_failure;
      }
      return options;
    };
    // With plugin_failure = "device", all or nothing for this device: a section is kept only
    // when every plugin succeeded. An AccessError is no plugin failure and is never contained.
    try {
      std::optional<DeviceSection> section = save_device_with(device, registry, chosen, report);
      if (section) {
        file.devices.push_back(std::move(*section));
      }
    } catch (const PluginFailure& e) {
      if (mode != PluginFailureMode::device) {
        throw;
      }
      report.left_out.push_back(left_out_line(address, e.what()));
    }
  }
  return file;
}

StateFile save_state(DeviceSource& source, const std::vector<PciAddress>& addresses,
                     const Registry& registry, const SaveOptions& options, SaveReport& report) {
  return save_state_with(
      source, addresses, registry,
      [&options](const PciAddress&, const DeviceIdentity&) {
        return std::optional<SaveOptions>(options);
      },
      report);
}

}  // namespace capstate::core
