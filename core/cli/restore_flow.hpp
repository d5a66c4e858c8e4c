// The steps restore and live-update restore share: lock, plan with policy, undo file, apply.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "backends/device_source.hpp"
#include "cli/cli_common.hpp"
#include "cli/policy_options.hpp"
#include "restore/restore_run.hpp"
#include "util/file_lock.hpp"

namespace capstate::cli {

/// Every planned device and whether it is read back (policy verify, unless --no-verify).
struct PlannedDevices {
  std::vector<core::DeviceRestore> restores;  ///< in file order
  std::vector<bool> verify;                   ///< per restore
};

/// Plans each section of `file` selected by `only` (empty: all) with its own device policy;
/// every device is planned before anything is written. Throws RestoreRefused when none is left.
PlannedDevices plan_with_policy(core::DeviceSource& source, const core::StateFile& file,
                                const std::vector<core::PciAddress>& only,
                                const core::Registry& registry, const MatchFlags& flags,
                                bool no_verify, bool diff, const GlobalOptions& globals);

/// Locks (policy lock_dir) every device of `file` selected by `only` (empty: all), so no other
/// capstate process restores them meanwhile; hold the result until the restore is done.
std::vector<core::FileLock> lock_file_devices(const core::StateFile& file,
                                              const std::vector<core::PciAddress>& only);

/// Where a restore's undo file goes, or (empty dir) why it gets none.
struct UndoChoice {
  std::filesystem::path dir;  ///< the undo directory; empty: no undo file
  std::string none_reason;    ///< why there is none, for messages
};

/// The undo directory: `undo_dir_flag`, else the policy's; none for sources that do not write
/// devices in place, with --no-undo (`no_undo`) or with policy undo = false.
UndoChoice undo_choice(bool no_undo, const std::string& undo_dir_flag,
                       const core::DeviceSource& source);

/// Saves the undo file before the first write (when `choice` has a dir and anything is written)
/// and prints where it is on stderr (not with -q); returns its path, or an empty path.
std::filesystem::path save_undo_file(const UndoChoice& choice,
                                     std::vector<core::DeviceRestore>& restores,
                                     const core::Registry& registry, const GlobalOptions& globals);

/// Applies every plan that was not left out, in order, with a progress line. A failed write
/// stops it; the error lists what was and was not done and names the undo file.
void apply_planned(PlannedDevices& planned, const UndoChoice& undo,
                   const std::filesystem::path& undo_file, const GlobalOptions& globals);

}  // namespace capstate::cli
