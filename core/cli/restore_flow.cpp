// Restore steps shared by `restore` and `live-update restore`.
#include "cli/restore_flow.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "cli/progress.hpp"
#include "restore/undo.hpp"

namespace capstate::cli {
namespace {

bool selected(const std::vector<core::PciAddress>& only, const core::PciAddress& address) {
  return only.empty() || std::find(only.begin(), only.end(), address) != only.end();
}

}  // namespace

PlannedDevices plan_with_policy(core::DeviceSource& source, const core::StateFile& file,
                                const std::vector<core::PciAddress>& only,
                                const core::Registry& registry, const MatchFlags& flags,
                                bool no_verify, bool diff, const GlobalOptions& globals) {
  PlannedDevices out;
  const auto count = static_cast<std::size_t>(
      std::count_if(file.devices.begin(), file.devices.end(),
                    [&only](const core::DeviceSection& s) { return selected(only, s.address); }));
  if (count == 0) {
    throw core::RestoreRefused(
        "no device of the state file matches the selection; nothing was written; 'capstate "
        "inspect FILE' lists the file's devices");
  }
  Progress progress(diff ? "comparing" : "planning", count, globals);
  // One pass over the file: each device gets the options of its own policy.
  std::vector<bool> verify;
  const auto options_for = [&](const core::DeviceSection& section) {
    progress.step(section.address);
    const core::DevicePolicy p = core::effective(
        policy(), section.address, section.identity.vendor_id, section.identity.device_id);
    verify.push_back(!no_verify && p.verify.value);
    return restore_options(flags, file, p, diff);
  };
  out.restores = core::plan_restores_with(source, file, only, registry, options_for);
  out.verify = std::move(verify);
  for (const core::DeviceRestore& r : out.restores) {
    for (const std::string& skipped : r.plan.skipped) {
      spdlog::warn("{}", skipped);
    }
  }
  return out;
}

std::vector<core::FileLock> lock_file_devices(const core::StateFile& file,
                                              const std::vector<core::PciAddress>& only) {
  std::vector<core::PciAddress> devices;
  for (const core::DeviceSection& section : file.devices) {
    if (selected(only, section.address)) {
      devices.push_back(section.address);
    }
  }
  std::sort(devices.begin(), devices.end());
  devices.erase(std::unique(devices.begin(), devices.end()), devices.end());
  std::vector<core::FileLock> locks;
  for (const core::PciAddress& address : devices) {
    locks.push_back(core::lock_device(policy().lock_dir.value, address.str()));
  }
  return locks;
}

UndoChoice undo_choice(bool no_undo, const std::string& undo_dir_flag,
                       const core::DeviceSource& source) {
  if (!source.writes_hardware()) {
    return {{},
            "--dump/--image sources never change their input file (only --output-dump is "
            "written), so the input file is the way back"};
  }
  if (no_undo) {
    return {{}, "--no-undo was given; restore a state file saved earlier to go back"};
  }
  if (!policy().undo.value) {
    return {{},
            fmt::format("the policy disables it (undo = false, {}); restore a state file "
                        "saved earlier to go back",
                        policy().undo.source)};
  }
  return {undo_dir_flag.empty() ? std::filesystem::path(policy().undo_dir.value)
                                : std::filesystem::path(undo_dir_flag),
          ""};
}

std::filesystem::path save_undo_file(const UndoChoice& choice,
                                     std::vector<core::DeviceRestore>& restores,
                                     const core::Registry& registry, const GlobalOptions& globals) {
  if (choice.dir.empty() || !core::restores_write(restores)) {
    return {};
  }
  const core::StateFile state = core::undo_state(restores, registry);
  const std::filesystem::path path =
      core::undo_file_path(choice.dir, std::time(nullptr), ::getpid());
  core::write_undo_file(path, state);
  if (!globals.quiet) {
    std::fprintf(stderr, "%s\n", core::undo_file_line(path).c_str());
    std::fflush(stderr);
  }
  return path;
}

void apply_planned(PlannedDevices& planned, const UndoChoice& undo,
                   const std::filesystem::path& undo_file, const GlobalOptions& globals) {
  std::vector<core::DeviceRestore>& restores = planned.restores;
  Progress progress("restoring", restores.size(), globals);
  for (std::size_t i = 0; i < restores.size(); ++i) {
    progress.step(restores[i].plan.address);
    if (restores[i].plan.excluded) {
      continue;  // a plugin failed while planning it: nothing is written to it
    }
    try {
      restores[i].result =
          core::apply_plan(restores[i].device, restores[i].plan, planned.verify[i]);
    } catch (const core::RestoreWriteError& e) {
      throw core::RestoreWriteError(
          core::write_failure_text(e.what(), restores, i, undo_file, undo.none_reason));
    }
  }
  progress.finish();
}

}  // namespace capstate::cli
