// run_restore(): the whole restore flow behind one request.
#include "restore/restore_session.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>

#include "backends/dump_source.hpp"
#include "backends/image_source.hpp"
#include "restore/restore_run.hpp"
#include "restore/undo.hpp"
#include "util/file_lock.hpp"
#include "util/file_trust.hpp"
#include "util/private_dir.hpp"

namespace fs = std::filesystem;

namespace capstate::core {
namespace {

bool selected(const std::vector<PciAddress>& only, const PciAddress& address) {
  return only.empty() || std::find(only.begin(), only.end(), address) != only.end();
}

// Tells the observer that a stage ended when it goes out of scope, also when the stage throws.
class StageScope {
 public:
  StageScope(RestoreObserver& observer, RestoreStage stage, std::size_t devices)
      : observer_(observer) {
    observer_.stage_started(stage, devices);
  }
  ~StageScope() { finish(); }
  StageScope(const StageScope&) = delete;
  StageScope& operator=(const StageScope&) = delete;

  void finish() {
    if (open_) {
      open_ = false;
      observer_.stage_finished();
    }
  }

 private:
  RestoreObserver& observer_;
  bool open_ = true;
};

// The output copy works only with sources that hold their devices in memory and can write them
// out again; refused before anything is locked or written.
void check_output_copy(const RestoreRequest& request) {
  if (request.output_copy.empty()) {
    return;
  }
  const bool writable_copy = dynamic_cast<const DumpSource*>(request.source) != nullptr ||
                             dynamic_cast<const ImageSource*>(request.source) != nullptr;
  if (request.source->writes_hardware() || !writable_copy) {
    throw RestoreRefused(fmt::format(
        "an output copy ({}) works with lspci dump and config image sources only, not with {}; "
        "nothing was written; leave it out to restore the devices in place",
        request.output_copy.string(), request.source->describe()));
  }
}

void write_output_copy(const DeviceSource& source, const fs::path& out) {
  if (const auto* dump = dynamic_cast<const DumpSource*>(&source)) {
    dump->write_dump(out);
  } else if (const auto* image = dynamic_cast<const ImageSource*>(&source)) {
    image->write_image(out);
  }
}

// Advisory locks held for the whole restore, taken before planning: each selected device of the
// file for a source that writes devices in place, else the output copy (when there is one).
std::vector<FileLock> lock_targets(const RestoreRequest& request) {
  std::vector<FileLock> locks;
  if (!request.source->writes_hardware()) {
    if (!request.output_copy.empty()) {
      locks.push_back(lock_file_for_writing(request.output_copy));
    }
    return locks;
  }
  std::vector<PciAddress> devices;
  for (const DeviceSection& section : request.file->devices) {
    if (selected(request.only, section.address)) {
      devices.push_back(section.address);
    }
  }
  std::sort(devices.begin(), devices.end());
  devices.erase(std::unique(devices.begin(), devices.end()), devices.end());
  // capstate's own lock directory is created private (0700); an existing one is left as it is.
  // A failure is reported by lock_device, which tries to create it too.
  if (!devices.empty()) {
    (void)create_private_directories(request.policy->lock_dir.value);
  }
  for (const PciAddress& address : devices) {
    locks.push_back(lock_device(request.policy->lock_dir.value, address.str()));
  }
  return locks;
}

// Refuses a state file others could have written before it is used to plan writes to hardware.
void check_state_file(const RestoreRequest& request) {
  if (request.file_path.empty() || request.allow_untrusted_state ||
      request.mode == RestoreMode::compare || !request.source->writes_hardware()) {
    return;
  }
  if (std::string problem = state_file_trust_problem(request.file_path, *request.source);
      !problem.empty()) {
    throw UntrustedStateFile(std::move(problem));
  }
}

// Every planned device and whether it is read back.
struct Planned {
  std::vector<DeviceRestore> restores;  // in file order
  std::map<PciAddress, bool> verify;    // per device
};

// Plans each selected section with its own device policy, in one pass over the file; every
// device is planned before anything is written.
Planned plan_all(const RestoreRequest& request, const Registry& registry,
                 RestoreObserver& observer) {
  const StateFile& file = *request.file;
  const auto count = static_cast<std::size_t>(std::count_if(
      file.devices.begin(), file.devices.end(),
      [&request](const DeviceSection& s) { return selected(request.only, s.address); }));
  if (count == 0) {
    throw RestoreRefused(
        "no device of the state file matches the selection; nothing was written; 'capstate "
        "inspect FILE' lists the file's devices");
  }
  const bool compare = request.mode == RestoreMode::compare;
  StageScope stage(observer, compare ? RestoreStage::comparing : RestoreStage::planning, count);
  Planned out;
  const auto options_for = [&](const DeviceSection& section) {
    observer.device_started(section.address);
    const DevicePolicy p = effective(*request.policy, section.address, section.identity.vendor_id,
                                     section.identity.device_id);
    out.verify[section.address] = request.verify && p.verify.value;
    return restore_options(request.overrides, file, p, compare);
  };
  out.restores = plan_restores_with(*request.source, file, request.only, registry, options_for);
  for (const DeviceRestore& r : out.restores) {
    for (const std::string& line : r.plan.skipped) {
      observer.record_skipped(line);
    }
  }
  return out;
}

// Where the undo file goes, or (empty dir) why there is none.
struct UndoChoice {
  fs::path dir;
  std::string none_reason;
};

UndoChoice undo_choice(const RestoreRequest& request) {
  const Policy& policy = *request.policy;
  if (!request.source->writes_hardware()) {
    return {{},
            "--dump/--image sources never change their input file (only --output-dump is "
            "written), so the input file is the way back"};
  }
  if (!request.undo) {
    return {{}, "--no-undo was given; restore a state file saved earlier to go back"};
  }
  if (!policy.undo.value) {
    return {{},
            fmt::format("the policy disables it (undo = false, {}); restore a state file "
                        "saved earlier to go back",
                        policy.undo.source)};
  }
  return {request.undo_dir.empty() ? fs::path(policy.undo_dir.value) : request.undo_dir, ""};
}

// Saves the undo file before the first write, when there is a directory for it and anything is
// written; returns its path, or an empty path.
fs::path save_undo_file(const UndoChoice& choice, std::vector<DeviceRestore>& restores,
                        const Registry& registry, RestoreObserver& observer) {
  if (choice.dir.empty() || !restores_write(restores)) {
    return {};
  }
  const StateFile state = undo_state(restores, registry);
  const fs::path path = undo_file_path(choice.dir, std::time(nullptr), ::getpid());
  write_undo_file(path, state);
  observer.undo_file_saved(path);
  return path;
}

// Applies every plan that was not left out, in order. A failed write stops it; the error lists
// what was and was not done and names the way back.
void apply_all(Planned& planned, const UndoChoice& undo, const fs::path& undo_file,
               RestoreObserver& observer) {
  std::vector<DeviceRestore>& restores = planned.restores;
  StageScope stage(observer, RestoreStage::restoring, restores.size());
  for (std::size_t i = 0; i < restores.size(); ++i) {
    observer.device_started(restores[i].plan.address);
    if (restores[i].plan.excluded) {
      continue;  // a plugin failed while planning it: nothing is written to it
    }
    try {
      restores[i].result = apply_plan(restores[i].device, restores[i].plan,
                                      planned.verify.at(restores[i].plan.address),
                                      upstream_device(restores, restores[i].plan));
    } catch (const RestoreWriteError& e) {
      throw RestoreWriteError(
          write_failure_text(e.what(), restores, i, undo_file, undo.none_reason));
    }
  }
  stage.finish();
}

}  // namespace

std::string_view to_string(RestoreStage stage) {
  switch (stage) {
    case RestoreStage::planning:
      return "planning";
    case RestoreStage::comparing:
      return "comparing";
    case RestoreStage::restoring:
      return "restoring";
  }
  return "restoring";
}

std::string state_file_trust_problem(const fs::path& path, const DeviceSource& source) {
  const std::optional<TrustFailure> failure = check_file_trust(path);
  if (!failure) {
    return {};
  }
  return fmt::format(
      "{}; a state file another user can change could reprogram the devices of {} (their BARs, "
      "bus mastering and interrupts), so nothing was written; {}, or restore it anyway with "
      "--allow-untrusted-state if you trust its content",
      trust_failure_text("state file", path, *failure), source.describe(),
      failure->fix.empty() ? "check the path" : "fix it with: " + failure->fix);
}

std::size_t RestoreOutcome::written() const {
  std::size_t n = 0;
  for (const RestoredDevice& d : devices) {
    n += d.result.written;
  }
  return n;
}

std::size_t RestoreOutcome::verified() const {
  std::size_t n = 0;
  for (const RestoredDevice& d : devices) {
    n += d.result.verified;
  }
  return n;
}

std::size_t RestoreOutcome::mismatches() const {
  std::size_t n = 0;
  for (const RestoredDevice& d : devices) {
    n += d.result.mismatches.size();
  }
  return n;
}

std::size_t RestoreOutcome::devices_with_mismatches() const {
  return static_cast<std::size_t>(
      std::count_if(devices.begin(), devices.end(),
                    [](const RestoredDevice& d) { return !d.result.mismatches.empty(); }));
}

std::size_t RestoreOutcome::left_out() const {
  std::size_t n = 0;
  for (const RestoredDevice& d : devices) {
    n += d.plan.left_out.size();
  }
  return n;
}

RestoreOutcome run_restore(const RestoreRequest& request, RestoreObserver& observer) {
  if (request.source == nullptr || request.file == nullptr || request.policy == nullptr) {
    throw std::invalid_argument(
        "run_restore: the request needs a source, a state file and a policy");
  }
  check_state_file(request);
  check_output_copy(request);
  const bool apply = request.mode == RestoreMode::apply;
  // Held until the restore is done, so no other capstate process restores these devices.
  const std::vector<FileLock> locks = apply ? lock_targets(request) : std::vector<FileLock>{};
  std::optional<Registry> loaded;
  if (request.registry == nullptr) {
    loaded.emplace(Registry::load(request.registry_options));
    observer.registry_loaded(*loaded);
  }
  const Registry& registry = request.registry != nullptr ? *request.registry : *loaded;
  Planned planned = plan_all(request, registry, observer);
  for (const DeviceRestore& r : planned.restores) {
    observer.planned(r.plan);
  }
  RestoreOutcome outcome;
  if (apply) {
    const UndoChoice undo = undo_choice(request);
    outcome.no_undo_reason = undo.none_reason;
    outcome.undo_file = save_undo_file(undo, planned.restores, registry, observer);
    apply_all(planned, undo, outcome.undo_file, observer);
    if (!request.output_copy.empty()) {
      write_output_copy(*request.source, request.output_copy);
    }
    outcome.applied = true;
  }
  for (std::size_t i = 0; i < planned.restores.size(); ++i) {
    DeviceRestore& r = planned.restores[i];
    const bool verify = planned.verify.at(r.plan.address);
    outcome.devices.push_back({std::move(r.plan), verify, std::move(r.result)});
  }
  return outcome;
}

RestoreOutcome run_restore(const RestoreRequest& request) {
  RestoreObserver silent;
  return run_restore(request, silent);
}

}  // namespace capstate::core
