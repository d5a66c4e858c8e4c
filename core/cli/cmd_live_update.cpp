// capstate live-update: save the policy's devices before a kexec and restore them in the next
// boot, after a pre-flight that asks whether the release restoring them can; `kexec` starts the
// kexec only when the pre-flight (and the policy) allow it. Everything comes
// from the policy (live_update_devices, live_update_state, live_update_restore,
// live_update_preflight, live_update_root), so the systemd units carry no arguments an operator
// has to edit.
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "backends/sysfs_source.hpp"
#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"
#include "cli/restore_observer.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/save_state.hpp"
#include "restore/policy_options.hpp"
#include "restore/preflight.hpp"
#include "restore/restore_session.hpp"
#include "statefile/state_file_io.hpp"
#include "util/file_lock.hpp"
#include "util/private_dir.hpp"
#include "util/process.hpp"

namespace fs = std::filesystem;

namespace capstate::cli {
namespace {

struct LiveUpdateArgs {
  std::string sysfs_root = "/sys";     // --sysfs-root (tests use a fake tree)
  std::string stage;                   // restore --stage early|late
  bool allow_untrusted_state = false;  // restore --allow-untrusted-state
  std::string root;             // preflight/kexec --root (empty: the policy's live_update_root)
  std::string state_file;       // preflight --state (empty: save the devices now)
  bool kexec_underway = false;  // save --kexec-underway (capstate-save.service)
};

// Whether `root` names another root file system than this one ("" and "/" are this one).
bool other_root(const std::string& root) {
  if (root.empty()) {
    return false;
  }
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(root, ec);
  return ec ? true : canonical != fs::path("/");
}

// True when one of the live_update_devices selectors names the device (empty list: no selector).
bool named_by_policy(const std::vector<std::string>& selectors, const core::PciAddress& address,
                     const core::DeviceIdentity& id) {
  return std::any_of(selectors.begin(), selectors.end(), [&](const std::string& s) {
    return core::device_matches(s, address, id.vendor_id, id.device_id);
  });
}

// Renames `from` to `to` (atomic within one file system) and syncs the directory.
void rename_durably(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    throw CliError(ErrorKind::file, fmt::format("restored the devices but could not rename {} to "
                                                "{}: {}; remove or rename it by hand, or "
                                                "the next boot restores it again",
                                                from.string(), to.string(), ec.message()));
  }
  const int dir = ::open(to.parent_path().empty() ? "." : to.parent_path().c_str(),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

// The devices live_update_devices names (every device with a capability a loaded plugin handles
// when it names none), saved now; nothing is written. Refuses (CliError) when there is none.
core::StateFile save_selected(core::SysfsSource& source, const core::Registry& registry,
                              const core::Policy& p, std::string_view verb) {
  const std::vector<std::string>& selectors = p.live_update_devices.value;
  core::StateFile file;
  core::SaveReport report;
  for (const core::PciAddress& address : source.addresses()) {
    core::DeviceIdentity id;
    {
      core::Device device = source.open(address);
      id = core::read_identity(*device.config);
    }
    if (!selectors.empty() && !named_by_policy(selectors, address, id)) {
      continue;
    }
    const core::DevicePolicy dp = core::effective(p, address, id.vendor_id, id.device_id);
    core::StateFile part =
        core::save_state(source, {address}, registry, core::save_options(dp), report);
    if (part.devices.empty() || (selectors.empty() && part.devices.front().records.empty())) {
      continue;  // "every device": only those with a capability a plugin handles
    }
    if (file.devices.empty()) {
      file.envelope = part.envelope;
    }
    file.devices.push_back(std::move(part.devices.front()));
  }
  for (const std::string& w : report.warnings) {
    spdlog::warn("{}", w);
  }
  for (const std::string& w : report.left_out) {
    spdlog::warn("{}", w);
  }
  if (file.devices.empty()) {
    throw CliError(
        ErrorKind::refused,
        fmt::format("live-update {}: no device in {} {}; nothing was written. Check "
                    "live_update_devices (from {}) against 'capstate list' and 'capstate plugins'",
                    verb, source.describe(),
                    selectors.empty() ? "has a capability a loaded plugin handles"
                                      : "matches live_update_devices",
                    p.live_update_devices.source));
  }
  return file;
}

// A private temporary directory, removed with the object.
class TempStateDir {
 public:
  TempStateDir() {
    std::string pattern = (fs::temp_directory_path() / "capstate-preflight-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw core::FileError(pattern,
                            fmt::format("cannot create a temporary directory for the pre-flight "
                                        "({}): {}; set TMPDIR to a writable directory",
                                        pattern, std::strerror(errno)),
                            errno);
    }
    dir_ = pattern;
  }
  ~TempStateDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempStateDir(const TempStateDir&) = delete;
  TempStateDir& operator=(const TempStateDir&) = delete;
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

// The pre-flight of `file` by the capstate of `root` (its binary, plugins and policy), which
// prints its own findings; returns its exit status (0: every record would restore).
int preflight_in_root(const std::string& root, const core::StateFile& file, const LiveUpdateArgs& a,
                      bool json) {
  const TempStateDir tmp;
  const fs::path state = tmp.path() / "preflight.state";
  core::write_state_file(state, file);
  std::vector<std::string> args;
  if (json) {
    args.emplace_back("--json");
  }
  for (const char* arg : {"live-update", "preflight", "--root", "/", "--sysfs-root"}) {
    args.emplace_back(arg);
  }
  args.push_back(a.sysfs_root);
  args.emplace_back("--state");
  args.push_back(state.string());
  return core::run_capstate_in_root(root, args);
}

// The pre-flight of `file` with this installation's plugins and policy: the restore planned record
// by record against the live devices, nothing written.
core::PreflightReport preflight_here(core::SysfsSource& source, const core::StateFile& file,
                                     const core::Registry& registry, const core::Policy& p) {
  return core::preflight(source, file, registry, [&](const core::DeviceSection& s) {
    const core::DevicePolicy dp =
        core::effective(p, s.address, s.identity.vendor_id, s.identity.device_id);
    return core::restore_options({}, file, dp, false);
  });
}

int run_preflight(const LiveUpdateArgs& a, const GlobalOptions& globals, const core::Policy& p) {
  const std::string root = a.root.empty() ? p.live_update_root.value : a.root;
  core::SysfsSource source(a.sysfs_root);
  const core::Registry registry = load_registry(globals, p);
  const core::StateFile file = a.state_file.empty()
                                   ? save_selected(source, registry, p, "preflight")
                                   : core::read_state_file(a.state_file);
  if (other_root(root)) {
    return preflight_in_root(root, file, a, globals.json);
  }
  const core::PreflightReport report = preflight_here(source, file, registry, p);
  if (globals.json) {
    print_out(nlohmann::json{{"action", "preflight"},
                             {"capstate", CAPSTATE_VERSION},
                             {"devices", report.devices},
                             {"records", report.records},
                             {"refusals", report.refusals}}
                  .dump(2));
  } else if (report.refusals.empty()) {
    print_out(
        fmt::format("live-update preflight: capstate {} would restore all {} records of "
                    "{} devices",
                    CAPSTATE_VERSION, report.records, report.devices));
  } else {
    std::string text = fmt::format(
        "live-update preflight: capstate {} would refuse the restore of these {} devices ({} "
        "records), {} times:",
        CAPSTATE_VERSION, report.devices, report.records, report.refusals.size());
    for (const std::string& line : report.refusals) {
      text += "\n  " + line;
    }
    print_out(text);
  }
  return report.refusals.empty() ? kExitOk : kExitFailure;
}

// Runs the pre-flight of `file` (with this installation, or with the capstate of `root` when that
// is another root file system, which prints its own findings) and logs every refusal; true when
// the restoring release would refuse a record.
bool preflight_refuses(core::SysfsSource& source, const core::StateFile& file,
                       const core::Registry& registry, const core::Policy& p,
                       const LiveUpdateArgs& a, const std::string& root) {
  if (other_root(root)) {
    return preflight_in_root(root, file, a, false) != kExitOk;
  }
  const core::PreflightReport report = preflight_here(source, file, registry, p);
  for (const std::string& line : report.refusals) {
    spdlog::error("live-update pre-flight: {}", line);
  }
  return !report.refusals.empty();
}

// "the pre-flight" or "the pre-flight of ROOT", as the messages name it.
std::string preflight_name(const std::string& root) {
  return other_root(root) ? "the pre-flight of " + root : "the pre-flight";
}

// `<sysfs root>/kernel/kexec_loaded`: true or false, or nothing when it cannot be read.
std::optional<bool> kexec_kernel_loaded(const std::string& sysfs_root) {
  std::ifstream in(fs::path(sysfs_root) / "kernel" / "kexec_loaded");
  int loaded = 0;
  if (in >> loaded) {
    return loaded != 0;
  }
  return std::nullopt;
}

// A save under live_update_preflight = "fail" failed while a kexec is under way: unloads the kexec
// kernel (kexec -u) so that the kexec does not happen. systemd's shutdown reboots through the
// firmware when no kexec kernel is loaded, so the next boot starts from devices the firmware
// reset, not from devices a release that cannot restore them would inherit.
void stop_kexec(const LiveUpdateArgs& a, const core::Policy& p) {
  const std::vector<std::string> command{"kexec", "-u"};
  std::string problem;
  try {
    if (const int rc = core::run_command(command, environment_to_pass_on()); rc != 0) {
      problem = fmt::format("{} exited with {}", core::command_text(command), rc);
    }
  } catch (const core::FileError& e) {
    problem = std::string(e.what()) + " (kexec-tools installs kexec)";
  }
  if (problem.empty() && kexec_kernel_loaded(a.sysfs_root).value_or(false)) {
    problem = fmt::format("{}/kernel/kexec_loaded still reads 1 after {}", a.sysfs_root,
                          core::command_text(command));
  }
  if (!problem.empty()) {
    spdlog::error(
        "live-update save: could not unload the kexec kernel to stop the kexec "
        "(live_update_preflight = \"fail\", from {}): {}; the kexec goes on and the next boot "
        "restores nothing",
        p.live_update_preflight.source, problem);
    return;
  }
  spdlog::error(
      "live-update save: unloaded the kexec kernel ({}) because live_update_preflight = \"fail\" "
      "(from {}): there is no kexec; the machine reboots through the firmware instead. Fix what "
      "this save reports, then load the kernel again and run 'capstate live-update kexec'",
      core::command_text(command), p.live_update_preflight.source);
}

int save_now(const LiveUpdateArgs& a, const GlobalOptions& globals, const core::Policy& p) {
  const fs::path state = p.live_update_state.value;
  // The directories capstate creates for its state file are private (0700); existing ones keep
  // their mode.
  if (const std::error_code ec = state.has_parent_path()
                                     ? core::create_private_directories(state.parent_path())
                                     : std::error_code{}) {
    throw core::FileError(state.parent_path(),
                          fmt::format("cannot create the directory {} of live_update_state: {}; "
                                      "create it, or point live_update_state elsewhere",
                                      state.parent_path().string(), ec.message()),
                          ec.value());
  }
  // Held until after the rename: no other capstate writes the state file meanwhile.
  const core::FileLock lock = core::lock_file_for_writing(state);
  core::SysfsSource source(a.sysfs_root);
  const core::Registry registry = load_registry(globals, p);
  const core::StateFile file = save_selected(source, registry, p, "save");
  // The pre-flight: would the release that restores after the kexec restore every record?
  const std::string root = p.live_update_root.value;
  const bool refused = preflight_refuses(source, file, registry, p, a, root);
  if (refused && p.live_update_preflight.value == "fail") {
    throw CliError(
        ErrorKind::refused,
        fmt::format("live-update save: the restore after the kexec would refuse these devices "
                    "({} above says why); nothing was written, so the next boot "
                    "restores nothing. Install what the restoring release lacks, or set "
                    "live_update_preflight = \"warn\" (now \"fail\", from {}) to save anyway",
                    preflight_name(root), p.live_update_preflight.source));
  }
  if (refused) {
    spdlog::warn(
        "live-update save: the restore after the kexec would refuse some records (above); "
        "saving anyway (live_update_preflight = \"warn\", from {})",
        p.live_update_preflight.source);
  }
  core::write_state_file(state, file);
  std::size_t records = 0;
  for (const core::DeviceSection& d : file.devices) {
    records += d.records.size();
  }
  if (globals.json) {
    print_out(nlohmann::json{
        {"action", "saved"},
        {"file", state.string()},
        {"devices", file.devices.size()},
        {"records",
         records}}.dump(2));
  } else {
    print_out(fmt::format("live-update: saved {} devices, {} records to {}", file.devices.size(),
                          records, state.string()));
  }
  return kExitOk;
}

int run_save(const LiveUpdateArgs& a, const GlobalOptions& globals, const core::Policy& p) {
  if (!a.kexec_underway || p.live_update_preflight.value != "fail") {
    return save_now(a, globals, p);
  }
  try {
    return save_now(a, globals, p);
  } catch (...) {
    stop_kexec(a, p);
    throw;
  }
}

// The command that starts the kexec once the pre-flight allows it.
const std::vector<std::string>& kexec_command() {
  static const std::vector<std::string> command{"systemctl", "kexec"};
  return command;
}

int run_kexec(const LiveUpdateArgs& a, const GlobalOptions& globals, const core::Policy& p) {
  const std::string root = a.root.empty() ? p.live_update_root.value : a.root;
  core::SysfsSource source(a.sysfs_root);
  const core::Registry registry = load_registry(globals, p);
  const core::StateFile file = save_selected(source, registry, p, "kexec");
  const bool refused = preflight_refuses(source, file, registry, p, a, root);
  if (refused && p.live_update_preflight.value == "fail") {
    throw CliError(
        ErrorKind::refused,
        fmt::format("live-update kexec: the restore after the kexec would refuse these devices "
                    "({} above says why); the kexec was not started and the machine stays up. "
                    "Install what the restoring release lacks, or set live_update_preflight = "
                    "\"warn\" (now \"fail\", from {}) to go on anyway",
                    preflight_name(root), p.live_update_preflight.source));
  }
  if (refused) {
    spdlog::warn(
        "live-update kexec: the restore after the kexec would refuse some records (above); "
        "going on (live_update_preflight = \"warn\", from {})",
        p.live_update_preflight.source);
  }
  if (!kexec_kernel_loaded(a.sysfs_root).value_or(true)) {
    spdlog::warn(
        "live-update kexec: no kexec kernel is loaded ({}/kernel/kexec_loaded is 0); {} loads "
        "the boot loader's default entry if it can and fails otherwise. Load the next kernel "
        "first: kexec -l KERNEL --initrd=INITRD --reuse-cmdline",
        a.sysfs_root, core::command_text(kexec_command()));
  }
  std::size_t records = 0;
  for (const core::DeviceSection& d : file.devices) {
    records += d.records.size();
  }
  if (globals.json) {
    print_out(nlohmann::json{{"action", "kexec"},
                             {"preflight", refused ? "refused" : "passed"},
                             {"devices", file.devices.size()},
                             {"records", records},
                             {"command", kexec_command()}}
                  .dump(2));
  } else {
    print_out(fmt::format("live-update kexec: {} {} for {} devices, {} records; running {}",
                          preflight_name(root), refused ? "refused (warn)" : "passed",
                          file.devices.size(), records, core::command_text(kexec_command())));
  }
  std::fflush(stdout);
  spdlog::default_logger()->flush();
  std::vector<std::string> argv = kexec_command();
  std::vector<char*> argv_p;
  for (std::string& arg : argv) {
    argv_p.push_back(arg.data());
  }
  argv_p.push_back(nullptr);
  ::execvp(argv_p.front(), argv_p.data());
  const int err = errno;
  throw CliError(
      ErrorKind::file,
      fmt::format("live-update kexec: cannot run {}: {}; start the kexec yourself "
                  "({} {})",
                  core::command_text(kexec_command()), std::strerror(err), preflight_name(root),
                  refused ? "refused, and live_update_preflight is \"warn\"" : "passed"));
}

// The one line printed when restore has nothing to do (stdout, so the journal keeps it).
int nothing_to_do(const GlobalOptions& globals, const std::string& reason) {
  if (globals.json) {
    print_out(nlohmann::json{{"action", "none"}, {"reason", reason}}.dump(2));
  } else {
    print_out("live-update restore: " + reason);
  }
  return kExitOk;
}

int run_restore(const LiveUpdateArgs& a, const GlobalOptions& globals, const core::Policy& p) {
  if (a.stage != p.live_update_restore.value) {
    return nothing_to_do(
        globals, fmt::format("policy restores at stage '{}' (live_update_restore "
                             "from {}), not '{}'; nothing to do",
                             p.live_update_restore.value, p.live_update_restore.source, a.stage));
  }
  const fs::path state = p.live_update_state.value;
  std::error_code ec;
  if (!fs::exists(state, ec)) {
    return nothing_to_do(globals,
                         fmt::format("no state file {}; nothing to restore", state.string()));
  }
  const core::StateFile file = core::read_state_file(state);
  core::SysfsSource source(a.sysfs_root);
  // The same flow as restore, with the policy's options only: per-device locks, planning every
  // device, the undo file (the state the devices had before this boot's restore), writes and
  // verification. Left-out devices and capabilities are warnings here.
  core::RestoreRequest request;
  request.source = &source;
  request.file = &file;
  request.file_path = state;  // checked: owner and who may write it
  request.allow_untrusted_state = a.allow_untrusted_state;
  request.policy = &p;
  request.registry_options = registry_options(globals, p);
  CliRestoreObserver observer(globals, LeftOutLog::warn);
  const core::RestoreOutcome outcome = core::run_restore(request, observer);
  const std::size_t written = outcome.written();
  const std::size_t differing = outcome.mismatches();
  for (const core::RestoredDevice& r : outcome.devices) {
    for (const std::string& w : r.plan.warnings) {
      spdlog::warn("{}", w);  // what a plugin left out, and why (as restore prints them)
    }
    for (const std::string& m : r.result.mismatches) {
      spdlog::error("verify failed: {}", m);
    }
  }
  // Every write was done: the file must not be restored again by a later, ordinary boot.
  const fs::path done = state.string() + ".restored";
  rename_durably(state, done);
  if (globals.json) {
    print_out(nlohmann::json{{"action", "restored"},
                             {"file", done.string()},
                             {"devices", outcome.devices.size()},
                             {"written", written},
                             {"mismatches", differing}}
                  .dump(2));
  } else {
    print_out(fmt::format("live-update: restored {} devices ({} writes{}) from {}; renamed to {}",
                          outcome.devices.size(), written,
                          differing == 0 ? "" : fmt::format(", {} registers differ", differing),
                          state.string(), done.string()));
  }
  return differing == 0 ? kExitOk : kExitVerifyFailed;
}

}  // namespace

Verb add_live_update_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand(
      "live-update", "Save before a kexec and restore in the next boot, as the policy says");
  cmd->require_subcommand(1);
  auto a = std::make_shared<LiveUpdateArgs>();
  auto* save = cmd->add_subcommand(
      "save", "Save the live_update_devices of the policy to its live_update_state file");
  auto* restore = cmd->add_subcommand(
      "restore", "Restore the live_update_state file if STAGE is the policy's live_update_restore");
  auto* preflight = cmd->add_subcommand(
      "preflight",
      "Check, writing nothing, that the release restoring after the kexec can restore every "
      "record (exit 1 and each refusal when not)");
  auto* kexec = cmd->add_subcommand(
      "kexec",
      "Run the pre-flight and start the kexec (systemctl kexec) only when the policy allows: "
      "under live_update_preflight = \"fail\" a refusal leaves the machine up (exit 1)");
  for (auto* sub : {preflight, kexec}) {
    sub->add_option("--root", a->root,
                    "Check with the capstate, plugins and policy of the root file system DIR "
                    "(default: the policy's live_update_root, else this installation)")
        ->type_name("DIR");
  }
  preflight
      ->add_option("--state", a->state_file,
                   "Check this state file instead of saving the policy's devices now")
      ->type_name("FILE");
  save->add_flag("--kexec-underway", a->kexec_underway,
                 "Set by capstate-save.service during the shutdown of a kexec: under "
                 "live_update_preflight = \"fail\" a failed save also unloads the kexec kernel "
                 "(kexec -u), so the machine reboots through the firmware instead");
  for (auto* sub : {save, restore, preflight, kexec}) {
    sub->add_option("--sysfs-root", a->sysfs_root, "Root of the sysfs tree (for tests)")
        ->capture_default_str()
        ->type_name("DIR");
  }
  restore->add_option("--stage", a->stage, "Boot stage this run belongs to: early or late")
      ->required()
      ->check(CLI::IsMember({"early", "late"}))
      ->type_name("STAGE");
  restore->add_flag("--allow-untrusted-state", a->allow_untrusted_state,
                    "Restore the state file even when it is writable by group or others or owned "
                    "by another user");
  return {cmd, [a, save, preflight, kexec, &globals](const core::Policy& policy) {
            if (preflight->parsed()) {
              return run_preflight(*a, globals, policy);
            }
            if (kexec->parsed()) {
              return run_kexec(*a, globals, policy);
            }
            return save->parsed() ? run_save(*a, globals, policy)
                                  : run_restore(*a, globals, policy);
          }};
}

}  // namespace capstate::cli
