// Per-device policy turned into engine options, with the command-line flags that override it.
#pragma once

#include <string>

#include "engine/save_engine.hpp"
#include "policy/policy.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/state_file.hpp"

namespace capstate::cli {

/// Flags of restore and diff that win over the per-device policy (empty/false: the policy's).
struct MatchFlags {
  std::string identity;             ///< --identity exact|ids|none
  bool identity_subsystem = false;  ///< --identity-subsystem
  bool allow_lossy = false;         ///< --allow-lossy
};

/// The save options one device's policy asks for: unhandled_capability, skip_capabilities and
/// plugin_failure.
core::SaveOptions save_options(const core::DevicePolicy& p);

/// The restore options for one device: `flags` win over `p`. For `diff`, identity stays "none"
/// unless a flag or a policy file sets it (a diff compares whatever is there).
core::RestoreOptions restore_options(const MatchFlags& flags, const core::StateFile& file,
                                     const core::DevicePolicy& p, bool diff);

}  // namespace capstate::cli
