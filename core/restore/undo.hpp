// Undo files: the state a restore is about to overwrite, saved first so any restore can be
// reverted with another restore.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "registry/registry.hpp"
#include "restore/restore_plan.hpp"
#include "restore/restore_run.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// Thrown when the undo file cannot be saved or written; no device was written.
class UndoRefused : public RestoreRefused {
 public:
  using RestoreRefused::RestoreRefused;
};

/// `<dir>/<UTC time as YYYYmmddTHHMMSSZ>-<pid>.state`, e.g. 20261125T141800Z-1234.state.
std::filesystem::path undo_file_path(const std::filesystem::path& dir, std::time_t when, pid_t pid);

/// Whether any plan of `restores` writes at least one register (else no undo file is needed).
bool restores_write(const std::vector<DeviceRestore>& restores);

/// The current state of exactly the devices and capabilities the plans of `restores` touch,
/// saved by the same engine as `capstate save` (one section per device with planned writes,
/// one record per capability instance in its plan). Reads only. Throws UndoRefused naming the
/// device when a capability cannot be saved.
StateFile undo_state(std::vector<DeviceRestore>& restores, const Registry& registry);

/// Writes `state` to `path` atomically while holding the file's sidecar lock, creating its
/// directory, and any missing directory above it, with mode 0700 (existing ones are left alone).
/// Throws UndoRefused saying how to go on without it.
void write_undo_file(const std::filesystem::path& path, const StateFile& state);

/// "undo file: PATH (revert with: capstate restore -i PATH)".
std::string undo_file_line(const std::filesystem::path& path);

/// The text of a RestoreWriteError from apply_plan for the restore of `restores[failed]`,
/// completed with the devices fully restored before it and how to go back: the undo file when
/// `undo_file` is not empty, else `no_undo_reason`.
std::string write_failure_text(const std::string& apply_error,
                               const std::vector<DeviceRestore>& restores, std::size_t failed,
                               const std::filesystem::path& undo_file,
                               const std::string& no_undo_reason);

}  // namespace capstate::core
