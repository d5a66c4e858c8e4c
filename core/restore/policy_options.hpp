// One device's policy turned into engine options, with the caller's overrides winning over it.
#pragma once

#include <optional>
#include <string_view>

#include "dispatch/device_save.hpp"
#include "policy/policy.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// What a caller sets over every device's policy (command-line flags: --identity,
/// --identity-subsystem, --allow-lossy). Unset or false: the policy's value.
struct DeviceOverrides {
  std::optional<IdentityMode> identity;  ///< how strictly devices must match
  bool identity_subsystem = false;       ///< also require the subsystem IDs to match
  bool allow_lossy = false;              ///< allow migration steps that drop data
};

/// "exact", "ids" or "none" as an IdentityMode; nullopt for anything else.
std::optional<IdentityMode> parse_identity_mode(std::string_view text);

/// The save options one device's policy asks for: unhandled_capability, skip_capabilities and
/// plugin_failure.
SaveOptions save_options(const DevicePolicy& p);

/// The restore options for one device of `file`: `overrides` win over `p`. With `compare` (a
/// diff), identity stays "none" unless an override or a policy file sets it (a diff compares
/// whatever is there). bar_mismatch and bound_driver come from `p` alone ("kernel" and "allow"
/// loosen them; every other value refuses).
RestoreOptions restore_options(const DeviceOverrides& overrides, const StateFile& file,
                               const DevicePolicy& p, bool compare);

}  // namespace capstate::core
