// Whether a saved device is the same device as the one being restored into.
#pragma once

#include <string>

#include "restore/restore_plan.hpp"
#include "statefile/state_file.hpp"
#include "util/pci_address.hpp"

namespace capstate::core {

/// "vendor:device class cccccc rev rr subsystem ssss:ssss" for messages.
std::string identity_text(const DeviceIdentity& id);

/// Throws RestoreRefused naming both identities when `now` does not match `saved` under `options`.
void check_identity(const PciAddress& address, const DeviceIdentity& saved,
                    const DeviceIdentity& now, const RestoreOptions& options);

}  // namespace capstate::core
