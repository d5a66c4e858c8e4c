// The write plan of a restore: every register write, in phase order, before anything is written.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/device_source.hpp"
#include "capstate/sdk/restore.hpp"
#include "dispatch/device_save.hpp"
#include "registry/registry.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// How strictly a saved device must match the one restored into.
enum class IdentityMode {
  exact,  ///< vendor, device, class and revision
  ids,    ///< vendor and device
  none,   ///< no check
};

/// Choices that shape a restore plan.
struct RestoreOptions {
  IdentityMode identity = IdentityMode::exact;  ///< identity strictness
  bool identity_subsystem = false;              ///< also require subsystem vendor and subsystem IDs
  bool allow_lossy = false;                     ///< let migration to the current schema drop data
  bool skip_newer_records = false;  ///< leave out records newer than their plugin (else refuse)
  std::string producer;             ///< who wrote the file, for messages ("capstate 0.1.0")
  /// What a plugin failure while planning leaves out: abort (throw), the device, or the
  /// capability (see PluginFailureMode).
  PluginFailureMode on_plugin_failure = PluginFailureMode::abort;
  /// What a saved BAR or window the kernel has since moved does (policy bar_mismatch).
  BarMismatch bar_mismatch = BarMismatch::refuse;
  /// Whether the header of a function with a bound driver may be written (policy bound_driver).
  bool allow_bound_driver = false;
  /// Plugin options from policy ([plugin_options.<plugin>]): "plugin.option" -> value.
  std::map<std::string, std::string> plugin_options{};
};

/// Thrown when a restore is refused before anything was written.
class RestoreRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown while planning when a plugin asks for a write no correct plugin makes (bad target,
/// width, value, alignment or offset); guarded_call turns it into a PluginFailure naming the
/// plugin, the device and this text.
class BadWriteRequest : public std::runtime_error {
 public:
  /// `write` is the request's name, `offset` its offset from the capability (or within the BAR).
  BadWriteRequest(std::string write, std::uint64_t offset, const std::string& message)
      : std::runtime_error(message), write_(std::move(write)), offset_(offset) {}

  /// The name the plugin gave the write.
  const std::string& write_name() const noexcept { return write_; }
  /// Its offset from the capability (config) or within the BAR.
  std::uint64_t offset() const noexcept { return offset_; }

 private:
  std::string write_;
  std::uint64_t offset_ = 0;
};

/// A condition polled after a write (RestoreSequence::wait_until), in absolute terms.
struct WaitStep {
  std::string name;              ///< what is awaited
  std::uint16_t offset = 0;      ///< absolute configuration-space offset polled
  Width width = Width::word;     ///< access width
  std::uint32_t mask = 0;        ///< bits compared
  std::uint32_t value = 0;       ///< what they must read as
  std::uint32_t timeout_us = 0;  ///< how long to poll at most
};

/// One register write of a plan, with what the device holds now.
struct PlannedWrite {
  std::uint16_t phase = 0;         ///< restore phase (lower first)
  std::string plugin;              ///< plugin that owns the register
  Capability capability;           ///< the capability it belongs to
  std::string name;                ///< register name (field or plugin step)
  Target target = Target::config;  ///< configuration space or BAR memory
  std::uint8_t bar = 0;            ///< BAR index when target is bar
  std::uint64_t offset = 0;        ///< absolute config offset, or offset within the BAR
  Width width = Width::word;       ///< access width
  std::uint32_t desired = 0;       ///< the saved or requested value of the `mask` bits
  std::uint32_t mask = 0;          ///< bits the write means to set (others keep their values)
  std::uint32_t w1c = 0;           ///< write-1-to-clear bits: always written as 0
  std::uint32_t verify = 0;        ///< bits compared after restore (0: not verified)
  bool forced = false;             ///< written even when nothing differs (sequence steps)
  std::uint32_t current = 0;       ///< what the register holds when this write runs
  std::uint32_t value = 0;         ///< the value written: current outside `mask`, desired inside
  bool write = false;              ///< whether it is written (differs, or forced)
  std::uint8_t retries = 0;        ///< rewrites, 1 ms apart, while it does not read back as written
  std::uint32_t delay_us = 0;      ///< microseconds to wait after it is written
  bool resets = false;             ///< when written, it may reset the function's other registers
  std::uint32_t clears = 0;        ///< W1C bits written as 1 on purpose, to clear them
  std::optional<WaitStep> wait;    ///< polled after the write, when it is made
  /// Written to the plan's upstream port (DevicePlan::upstream), not the device: a plugin
  /// programming both ends of a link (Target::upstream_config).
  bool upstream = false;
};

/// A write another device's plan makes on this device (its upstream port's), shown with both.
struct ForeignWrite {
  PciAddress by;       ///< the device whose restore makes it
  PlannedWrite write;  ///< the write, as planned there
};

/// Every write planned for one device, in execution order.
struct DevicePlan {
  PciAddress address;                ///< the device
  std::vector<PlannedWrite> writes;  ///< sorted by phase, stable within a phase
  std::vector<std::string> notes;    ///< migrations applied, records without BAR access, ...
  std::vector<std::string> skipped;  ///< records left out (skip_newer_records), one line each
  /// Capabilities (or the whole device) left out because their plugin failed, one line each
  /// naming the plugin, the device and what was left out.
  std::vector<std::string> left_out;
  bool excluded = false;  ///< a plugin failed under plugin_failure = "device": write nothing
  /// What plugins said they leave out, and why (RestoreSequence::note); also in `notes`.
  std::vector<std::string> warnings{};
  /// The upstream port the writes marked `upstream` go to (restored in the same run, before).
  std::optional<PciAddress> upstream{};
  /// Writes the restores of the functions below this port make on it, in their order.
  std::vector<ForeignWrite> from_below{};
};

/// The link around a device in a restore of several: its upstream port when restored in the same
/// run (planned before it), and the plugins whose records the functions below it carry.
struct LinkContext {
  Device* upstream = nullptr;                     ///< the upstream port, when in the restore
  const DeviceSection* upstream_saved = nullptr;  ///< its saved section
  const DevicePlan* upstream_plan = nullptr;      ///< its plan: what its registers will hold
  std::vector<std::string> plugins_below{};       ///< plugins of the functions on its secondary bus
  /// The upstream port's capabilities, discovered once for the link; unset: discovered for each
  /// record that needs them.
  std::optional<std::vector<Capability>> upstream_capabilities{};
};

/// Checks identity, locates each saved capability, migrates each record to its plugin's current
/// schema and builds the plan for `device`; reads only, writes nothing. Throws RestoreRefused.
/// A plugin failure (PluginFailure: the plugin threw, or asked for a write that is malformed,
/// wider than its width or outside configuration space) is thrown unless
/// options.on_plugin_failure is `capability`: then that record's writes are dropped and named in
/// plan.left_out. (The `device` mode is handled by plan_restores.)
DevicePlan plan_restore(Device& device, const DeviceSection& saved, const Registry& registry,
                        const RestoreOptions& options);

/// Same, for a device of a restore of several: plugins see the upstream port's record of
/// themselves and may plan writes on that port (RestoreContext::upstream), and learn whether the
/// functions below carry their records (RestoreContext::downstream_restored).
DevicePlan plan_restore(Device& device, const DeviceSection& saved, const Registry& registry,
                        const RestoreOptions& options, const LinkContext& link);

}  // namespace capstate::core
