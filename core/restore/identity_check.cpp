#include "restore/identity_check.hpp"

#include <fmt/format.h>

namespace capstate::core {

std::string identity_text(const DeviceIdentity& id) {
  return fmt::format("{:04x}:{:04x} class {:06x} rev {:02x} subsystem {:04x}:{:04x}", id.vendor_id,
                     id.device_id, id.class_code, id.revision, id.subsystem_vendor_id,
                     id.subsystem_id);
}

void check_identity(const PciAddress& address, const DeviceIdentity& saved,
                    const DeviceIdentity& now, const RestoreOptions& options) {
  if (options.identity == IdentityMode::none) {
    return;
  }
  bool same = saved.vendor_id == now.vendor_id && saved.device_id == now.device_id;
  if (options.identity == IdentityMode::exact) {
    same = same && saved.class_code == now.class_code && saved.revision == now.revision;
  }
  if (options.identity_subsystem) {
    same = same && saved.subsystem_vendor_id == now.subsystem_vendor_id &&
           saved.subsystem_id == now.subsystem_id;
  }
  if (!same) {
    throw RestoreRefused(fmt::format(
        "{}: the saved state belongs to another device: saved {}, found {}; nothing was written. "
        "Select the right device with -s, or relax the check with --identity ids or --identity "
        "none",
        address.str(), identity_text(saved), identity_text(now)));
  }
}

}  // namespace capstate::core
