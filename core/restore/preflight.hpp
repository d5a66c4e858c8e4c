// Pre-flight of a restore: would a state file restore here, with these plugins, record by record?
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "backends/device_source.hpp"
#include "registry/registry.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// What a pre-flight found: how much it checked and every refusal, each once.
struct PreflightReport {
  std::size_t devices = 0;            ///< devices of the file checked
  std::size_t records = 0;            ///< records checked
  std::vector<std::string> refusals;  ///< one line per refused record (or device), in file order
};

/// Plans the restore of every record of `file` against `source`, one record at a time, with
/// `registry` and each device's options from `options_for`; writes nothing. Unlike a restore,
/// which stops at its first refusal, it collects every one: a missing plugin, a schema outside
/// the plugin's window, a lossy step the policy does not allow, an identity mismatch, a device
/// that is not there, a plugin that fails.
PreflightReport preflight(DeviceSource& source, const StateFile& file, const Registry& registry,
                          const std::function<RestoreOptions(const DeviceSection&)>& options_for);

/// Runs `ROOT/usr/bin/capstate --config-root ROOT args...`: the capstate of another root file
/// system (an A/B or image-based update), with that root's libraries, plugins and policy and a
/// small fixed environment; its output goes to ours. Returns its exit status (128 + signal when
/// killed). Throws FileError when ROOT has no capstate or it cannot be started.
int run_capstate_in_root(const std::filesystem::path& root, const std::vector<std::string>& args);

}  // namespace capstate::core
