// A whole restore as one call: locks, policy per device, planning every device, the undo file,
// writing, verifying and the output copy. `capstate restore`, `capstate live-update restore` and
// `capstate diff` call it; so can any embedder (a virtual-machine monitor, a test harness).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "backends/device_source.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "restore/apply_plan.hpp"
#include "restore/policy_options.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// What a restore does with its plans.
enum class RestoreMode {
  apply,    ///< lock, save the undo file, write, verify, write the output copy
  dry_run,  ///< plan every device and write nothing (no locks, no undo file)
  compare,  ///< as dry_run, for a diff: identity is "none" unless an override or policy sets it
};

/// The stages a restore reports progress for.
enum class RestoreStage {
  planning,   ///< planning each device (apply, dry_run)
  comparing,  ///< planning each device for a diff (compare)
  restoring,  ///< writing and verifying each device (apply)
};

/// "planning", "comparing" or "restoring".
std::string_view to_string(RestoreStage stage);

/// Thrown when a state file may not be restored onto hardware: someone other than root or the
/// running user owns it, or group or others may write it. Nothing was locked, planned or written.
class UntrustedStateFile : public RestoreRefused {
 public:
  using RestoreRefused::RestoreRefused;
};

/// The UntrustedStateFile text for the state file at `path` restored into `source`, or "" when
/// the file is trusted: owned by root or the effective user (only root when that is root) and not
/// writable by group or others. Only the file itself is checked, not the directories above it.
std::string state_file_trust_problem(const std::filesystem::path& path, const DeviceSource& source);

/// Everything one restore needs. The library reads no environment and keeps no global policy:
/// every input is here.
struct RestoreRequest {
  DeviceSource* source = nullptr;   ///< the devices restored into (required)
  const StateFile* file = nullptr;  ///< the state file, checksums already verified (required)
  /// The path `file` was read from, for the trust check: with a source that writes hardware
  /// (modes apply and dry_run), a file that fails state_file_trust_problem() is refused with
  /// UntrustedStateFile before anything is locked, planned or written. Empty: no check (the state
  /// did not come from a file, or the caller vouches for it).
  std::filesystem::path file_path;
  /// Restore `file_path` even when it fails the trust check (capstate's --allow-untrusted-state).
  bool allow_untrusted_state = false;
  std::vector<PciAddress> only;  ///< sections of the file to restore; empty: all of them
  /// The merged policy (required): the per-device keys, lock_dir, undo and undo_dir.
  const Policy* policy = nullptr;
  DeviceOverrides overrides;              ///< wins over every device's policy
  RestoreMode mode = RestoreMode::apply;  ///< write, or only plan
  bool verify = true;  ///< false: read nothing back (else each device's policy verify decides)
  bool undo = true;    ///< false: no undo file (else the policy's undo decides)
  std::filesystem::path undo_dir;  ///< where the undo file goes; empty: the policy's undo_dir
  /// With a source that does not write hardware (an lspci dump or a config image): write the
  /// restored devices to this file, in the source's format; empty: none. Refused with any other
  /// source.
  std::filesystem::path output_copy;
  /// The plugins. When null, they are loaded from `registry_options` once the locks are held.
  const Registry* registry = nullptr;
  RegistryOptions registry_options;  ///< used only when `registry` is null
};

/// What a restore tells its caller while it runs, in this order: registry_loaded (when it loads
/// the plugins), the planning stage (stage_started, device_started per device, record_skipped per
/// record left out by policy newer_record = "skip", stage_finished), planned per device, then
/// for apply undo_file_saved (when one is written) and the restoring stage. stage_finished is
/// also called when a stage fails part-way. Every method does nothing by default.
class RestoreObserver {
 public:
  virtual ~RestoreObserver() = default;
  /// The restore loaded the plugins itself (RestoreRequest::registry was null).
  virtual void registry_loaded(const Registry& /*registry*/) {}
  /// A stage over `devices` devices starts.
  virtual void stage_started(RestoreStage /*stage*/, std::size_t /*devices*/) {}
  /// Work on the next device of the current stage starts.
  virtual void device_started(const PciAddress& /*address*/) {}
  /// A record was left out of a plan (policy newer_record = "skip"); one line naming it.
  virtual void record_skipped(const std::string& /*line*/) {}
  /// The current stage is over (also when it failed).
  virtual void stage_finished() {}
  /// Every device is planned and nothing is written yet; called once per plan, in file order.
  virtual void planned(const DevicePlan& /*plan*/) {}
  /// The undo file is saved; the first write follows.
  virtual void undo_file_saved(const std::filesystem::path& /*path*/) {}
};

/// One device of a restore.
struct RestoredDevice {
  DevicePlan plan;      ///< planned writes, notes, records skipped and left out
  bool verify = false;  ///< whether it is read back after writing
  ApplyResult result;   ///< what writing it did (empty unless applied and not excluded)
};

/// What a restore did.
struct RestoreOutcome {
  std::vector<RestoredDevice> devices;  ///< in file order
  bool applied = false;                 ///< false for dry_run and compare: nothing was written
  std::filesystem::path undo_file;      ///< the undo file saved before writing; empty: none
  std::string no_undo_reason;           ///< why there is no undo file (apply only)

  /// Writes done, over every device.
  std::size_t written() const;
  /// Registers read back and compared, over every device.
  std::size_t verified() const;
  /// Registers that read back different from what was written, over every device.
  std::size_t mismatches() const;
  /// Devices with at least one such register.
  std::size_t devices_with_mismatches() const;
  /// Devices and capabilities left out because a plugin failed (lines of plan.left_out).
  std::size_t left_out() const;
};

/// Restores `request.file` into `request.source`. First, for a source that writes hardware (apply
/// and dry_run), checks that `request.file_path` (when set) is trusted. In apply mode: checks the
/// output copy, locks every selected device (lock_dir of the policy, created with mode 0700 when
/// missing) for a source that writes hardware, or the output copy for one that does not; plans
/// every device with its own policy before anything is written; saves the undo file (hardware
/// sources, unless disabled); writes and verifies each device in file order; writes the output
/// copy. Throws RestoreRefused (nothing written: no
/// device selected, identity, a refused record, a bad output copy, an undo file that cannot be
/// written; UntrustedStateFile for an untrusted state file), LockBusy, RestoreWriteError (a write
/// failed part-way; the text names what was done and the way back) or the errors of the source and
/// the plugins. Mismatches found by reading back are no error: they are in the outcome.
RestoreOutcome run_restore(const RestoreRequest& request, RestoreObserver& observer);

/// The same without an observer.
RestoreOutcome run_restore(const RestoreRequest& request);

}  // namespace capstate::core
