// capstate restore: write a state file back into devices, in phase order, then verify.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "backends/dump_source.hpp"
#include "backends/image_source.hpp"
#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"
#include "cli/progress.hpp"
#include "restore/plan_text.hpp"
#include "restore/restore_run.hpp"
#include "restore/undo.hpp"
#include "statefile/codec.hpp"
#include "util/file_lock.hpp"
#include "util/file_read.hpp"

namespace capstate::cli {
namespace {

struct RestoreArgs {
  SourceOptions source;
  std::string input;
  std::string output_dump;
  std::string identity;  // empty: from the policy
  bool identity_subsystem = false;
  bool dry_run = false;
  bool no_verify = false;
  bool allow_lossy = false;
  bool no_undo = false;  // --no-undo (wins over policy undo)
  std::string undo_dir;  // --undo-dir (empty: policy undo_dir)
};

void write_copy(core::DeviceSource& source, const std::string& out) {
  if (auto* dump = dynamic_cast<core::DumpSource*>(&source)) {
    dump->write_dump(out);
  } else if (auto* image = dynamic_cast<core::ImageSource*>(&source)) {
    image->write_image(out);
  } else {
    throw std::invalid_argument("--output-dump works with --dump or --image sources only");
  }
}

core::IdentityMode identity_mode(const std::string& text) {
  return text == "ids" ? core::IdentityMode::ids
                       : (text == "none" ? core::IdentityMode::none : core::IdentityMode::exact);
}

/// Options shared by restore and diff: how strictly devices must match.
void add_restore_match_options(CLI::App* cmd, RestoreArgs& a) {
  cmd->add_option("--identity", a.identity,
                  "How strictly the device must match: exact, ids, none (default: policy)")
      ->check(CLI::IsMember({"exact", "ids", "none"}));
  cmd->add_flag("--identity-subsystem", a.identity_subsystem,
                "Also require the subsystem IDs to match");
  cmd->add_flag("--allow-lossy", a.allow_lossy,
                "Allow migration steps that drop data on the way to the current schema");
}

// Flags win over the device's policy; diff keeps identity "none" unless a policy file sets it.
core::RestoreOptions restore_options(const RestoreArgs& a, const core::StateFile& file,
                                     const core::DevicePolicy& p, bool diff) {
  core::RestoreOptions options;
  const bool policy_identity = !diff || p.identity.source != core::kBuiltInSource;
  options.identity = identity_mode(!a.identity.empty() ? a.identity
                                   : policy_identity   ? p.identity.value
                                                       : "none");
  options.identity_subsystem = a.identity_subsystem || p.identity_subsystem.value;
  options.allow_lossy = a.allow_lossy || p.lossy_downgrade.value == "allow";
  options.skip_newer_records = p.newer_record.value == "skip";
  options.on_plugin_failure = core::parse_plugin_failure_mode(p.plugin_failure.value)
                                  .value_or(core::PluginFailureMode::device);
  options.producer = file.envelope.producer_name + " " + file.envelope.producer_version;
  return options;
}

/// One device's plan and whether it is read back (policy verify, unless --no-verify).
struct PlannedDevices {
  std::vector<core::DeviceRestore> restores;  ///< in file order
  std::vector<bool> verify;                   ///< per restore
};

// Plans each selected section with its own device policy; every device before any write.
PlannedDevices plan_with_policy(core::DeviceSource& source, const core::StateFile& file,
                                const std::vector<core::PciAddress>& only,
                                const core::Registry& registry, const RestoreArgs& a, bool diff,
                                const GlobalOptions& globals) {
  PlannedDevices out;
  const auto selected = [&only](const core::DeviceSection& section) {
    return only.empty() || std::find(only.begin(), only.end(), section.address) != only.end();
  };
  Progress progress(
      diff ? "comparing" : "planning",
      static_cast<std::size_t>(std::count_if(file.devices.begin(), file.devices.end(), selected)),
      globals);
  for (const core::DeviceSection& section : file.devices) {
    if (!selected(section)) {
      continue;
    }
    progress.step(section.address);
    const core::DevicePolicy p = core::effective(
        policy(), section.address, section.identity.vendor_id, section.identity.device_id);
    for (core::DeviceRestore& r : core::plan_restores(source, file, {section.address}, registry,
                                                      restore_options(a, file, p, diff))) {
      for (const std::string& skipped : r.plan.skipped) {
        spdlog::warn("{}", skipped);
      }
      out.restores.push_back(std::move(r));
      out.verify.push_back(!a.no_verify && p.verify.value);
    }
  }
  if (out.restores.empty()) {
    throw core::RestoreRefused(
        "no device of the state file matches the selection; nothing was written; 'capstate "
        "inspect FILE' lists the file's devices");
  }
  return out;
}

// The state file (every checksum verified before any device is opened), the device source and
// the -s/-d selection (empty: every device of the file) that restore and diff work on.
struct RestoreInputs {
  core::StateFile file;
  std::unique_ptr<core::DeviceSource> source;
  std::vector<core::PciAddress> only;
};

RestoreInputs load_inputs(const RestoreArgs& a) {
  RestoreInputs in;
  in.file = core::decode_state(core::read_file_bounded(a.input, core::kMaxStateFileBytes), a.input);
  in.source = open_source(a.source);
  if (!a.output_dump.empty() && in.source->writes_hardware()) {
    throw CliError(ErrorKind::usage,
                   "--output-dump works with --dump or --image sources only; nothing was "
                   "written; leave it out to restore the devices in place");
  }
  if (!a.source.slots.empty() || !a.source.ids.empty()) {
    in.only = selected_devices(*in.source, a.source);
    if (in.only.empty()) {
      throw CliError(ErrorKind::refused,
                     "no device matches -s/-d; nothing was written; run 'capstate list' with the "
                     "same source to see the addresses");
    }
  }
  return in;
}

// Advisory locks held for the whole restore, taken before planning: each device of the file (in
// the selection) for a source that writes devices in place, else the --output-dump target.
std::vector<core::FileLock> lock_restore_targets(const RestoreArgs& a, const RestoreInputs& in) {
  std::vector<core::FileLock> locks;
  if (!in.source->writes_hardware()) {
    if (!a.output_dump.empty()) {
      locks.push_back(core::lock_file_for_writing(a.output_dump));
    }
    return locks;
  }
  if (!a.output_dump.empty()) {  // refused here, before any device is written
    throw std::invalid_argument(
        "--output-dump works with --dump or --image sources only; nothing was written");
  }
  std::vector<core::PciAddress> devices;
  for (const core::DeviceSection& section : in.file.devices) {
    if (in.only.empty() ||
        std::find(in.only.begin(), in.only.end(), section.address) != in.only.end()) {
      devices.push_back(section.address);
    }
  }
  std::sort(devices.begin(), devices.end());
  devices.erase(std::unique(devices.begin(), devices.end()), devices.end());
  for (const core::PciAddress& address : devices) {
    locks.push_back(core::lock_device(policy().lock_dir.value, address.str()));
  }
  return locks;
}

/// Where this restore's undo file goes, or (empty dir) why it gets none.
struct UndoChoice {
  std::filesystem::path dir;  ///< the undo directory; empty: no undo file
  std::string none_reason;    ///< why there is none, for messages
};

UndoChoice undo_choice(const RestoreArgs& a, const core::DeviceSource& source) {
  if (!source.writes_hardware()) {
    return {{},
            "--dump/--image sources never change their input file (only --output-dump is "
            "written), so the input file is the way back"};
  }
  if (a.no_undo) {
    return {{}, "--no-undo was given; restore a state file saved earlier to go back"};
  }
  if (!policy().undo.value) {
    return {{},
            fmt::format("the policy disables it (undo = false, {}); restore a state file "
                        "saved earlier to go back",
                        policy().undo.source)};
  }
  return {a.undo_dir.empty() ? std::filesystem::path(policy().undo_dir.value)
                             : std::filesystem::path(a.undo_dir),
          ""};
}

// Saves the undo file before the first write (when one is wanted and anything is written) and
// says where it is; returns its path, or an empty path.
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

// The closing line of a restore whose read-back found differences: how many, and what to do.
std::string verify_failure_text(const std::vector<core::DeviceRestore>& restores,
                                const std::string& input) {
  std::size_t registers = 0;
  std::size_t devices = 0;
  for (const core::DeviceRestore& r : restores) {
    registers += r.result.mismatches.size();
    devices += r.result.mismatches.empty() ? 0 : 1;
  }
  return fmt::format(
      "verify failed: {} registers on {} devices read back different from what was written; "
      "run 'capstate diff {}' with the same source to see them, and check that no driver is "
      "bound to those devices",
      registers, devices, input);
}

}  // namespace

Verb add_restore_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("restore", "Restore devices from a state file");
  auto a = std::make_shared<RestoreArgs>();
  cmd->add_option("-i,--input", a->input, "State file to restore")->required()->type_name("FILE");
  add_source_options(cmd, a->source);
  add_restore_match_options(cmd, *a);
  cmd->add_flag("--dry-run", a->dry_run, "Print the write plan as a diff and write nothing");
  cmd->add_flag("--no-verify", a->no_verify, "Do not read registers back after writing");
  cmd->add_flag("--no-undo", a->no_undo,
                "Do not save an undo file before writing (default: policy undo)");
  cmd->add_option("--undo-dir", a->undo_dir,
                  "Save the undo file in DIR (default: policy undo_dir, /var/lib/capstate/undo)")
      ->type_name("DIR");
  cmd->add_option("--output-dump", a->output_dump,
                  "With --dump/--image: write the restored devices to FILE (same format)")
      ->type_name("FILE");
  return {
      cmd, [a, &globals] {
        RestoreInputs in = load_inputs(*a);
        // Held until the restore is done, so no other capstate restores these devices.
        const std::vector<core::FileLock> locks =
            a->dry_run ? std::vector<core::FileLock>{} : lock_restore_targets(*a, in);
        const core::Registry registry = load_registry(globals);
        PlannedDevices planned =
            plan_with_policy(*in.source, in.file, in.only, registry, *a, false, globals);
        std::vector<core::DeviceRestore>& restores = planned.restores;
        std::vector<const core::DevicePlan*> plans;
        for (const core::DeviceRestore& r : restores) {
          plans.push_back(&r.plan);
        }
        // Devices and capabilities left out because a plugin failed (policy plugin_failure).
        std::size_t left_out = 0;
        for (const core::DeviceRestore& r : restores) {
          for (const std::string& line : r.plan.left_out) {
            spdlog::error("{}", line);
            ++left_out;
          }
        }
        if (a->dry_run) {
          std::string text = "dry run: nothing was written\n";
          for (const core::DevicePlan* p : plans) {
            text += core::plan_to_text(*p, false);
          }
          print_out(globals.json ? core::plans_to_json(plans) : text);
          return left_out == 0 ? kExitOk : kExitFailure;
        }
        const UndoChoice undo = undo_choice(*a, *in.source);
        const std::filesystem::path undo_file = save_undo_file(undo, restores, registry, globals);
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
        if (!a->output_dump.empty()) {
          write_copy(*in.source, a->output_dump);
        }
        bool mismatch = false;
        std::string text;
        for (std::size_t i = 0; i < restores.size(); ++i) {
          const core::DeviceRestore& r = restores[i];
          for (const std::string& m : r.result.mismatches) {
            spdlog::error("verify failed: {}", m);
          }
          mismatch = mismatch || !r.result.mismatches.empty();
          if (r.plan.excluded) {
            text += fmt::format("{}: left out, nothing written (a plugin failed; see above)\n",
                                r.plan.address.str());
            continue;
          }
          text += fmt::format("{}: {} writes; verify {}\n", r.plan.address.str(), r.result.written,
                              !planned.verify[i] ? "skipped"
                              : r.result.mismatches.empty()
                                  ? fmt::format("OK ({} registers)", r.result.verified)
                                  : fmt::format("FAILED ({} of {} registers differ)",
                                                r.result.mismatches.size(), r.result.verified));
        }
        if (globals.json) {
          nlohmann::json out = nlohmann::json::array();
          for (const core::DeviceRestore& r : restores) {
            out.push_back({{"address", r.plan.address.str()},
                           {"undo_file", undo_file.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(undo_file.string())},
                           {"written", r.result.written},
                           {"verified", r.result.verified},
                           {"mismatches", r.result.mismatches},
                           {"left_out", r.plan.left_out}});
          }
          if (mismatch) {  // a failure: one JSON error object, with the results inside
            print_out(error_json({verify_failure_text(restores, a->input),
                                  ErrorKind::verify,
                                  kExitVerifyFailed,
                                  {{"results", out}}})
                          .dump(2));
            return kExitVerifyFailed;
          }
          print_out(out.dump(2));
        } else {
          print_out(text);
        }
        if (mismatch) {
          spdlog::error("{}", verify_failure_text(restores, a->input));
        }
        if (left_out != 0) {
          spdlog::error(
              "incomplete: {} devices or capabilities left out because a plugin failed "
              "(see above); everything else was restored",
              left_out);
        }
        return mismatch ? kExitVerifyFailed : (left_out != 0 ? kExitFailure : kExitOk);
      }};
}

Verb add_diff_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("diff", "Show saved versus current values, register by register");
  auto a = std::make_shared<RestoreArgs>();
  cmd->add_option("FILE", a->input, "State file to compare with")->required()->type_name("FILE");
  add_source_options(cmd, a->source);
  add_restore_match_options(cmd, *a);
  return {
      cmd, [a, &globals] {
        RestoreInputs in = load_inputs(*a);
        const core::Registry registry = load_registry(globals);
        const std::vector<core::DeviceRestore> restores =
            plan_with_policy(*in.source, in.file, in.only, registry, *a, true, globals).restores;
        std::vector<const core::DevicePlan*> plans;
        std::string text;
        for (const core::DeviceRestore& r : restores) {
          plans.push_back(&r.plan);
          text += core::plan_to_text(r.plan, true);
        }
        print_out(globals.json ? core::plans_to_json(plans) : text);
        return kExitOk;
      }};
}

}  // namespace capstate::cli
