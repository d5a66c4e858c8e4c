// capstate restore: write a state file back into devices, in phase order, then verify.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "backends/dump_source.hpp"
#include "backends/image_source.hpp"
#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"
#include "cli/restore_flow.hpp"
#include "restore/plan_text.hpp"
#include "restore/restore_run.hpp"
#include "statefile/codec.hpp"
#include "util/file_read.hpp"

namespace capstate::cli {
namespace {

struct RestoreArgs {
  SourceOptions source;
  std::string input;
  std::string output_dump;
  MatchFlags match;  // --identity, --identity-subsystem, --allow-lossy
  bool dry_run = false;
  bool no_verify = false;
  bool no_undo = false;  // --no-undo (wins over policy undo)
  std::string undo_dir;  // --undo-dir (empty: policy undo_dir)
};

void write_copy(core::DeviceSource& source, const std::string& out) {
  if (auto* dump = dynamic_cast<core::DumpSource*>(&source)) {
    dump->write_dump(out);
  } else if (auto* image = dynamic_cast<core::ImageSource*>(&source)) {
    image->write_image(out);
  } else {
    throw CliError(ErrorKind::usage,
                   "--output-dump works with --dump or --image sources only; leave it out to "
                   "restore the devices in place",
                   {{"option", "--output-dump"}});
  }
}

/// Options shared by restore and diff: how strictly devices must match.
void add_restore_match_options(CLI::App* cmd, MatchFlags& m) {
  cmd->add_option("--identity", m.identity,
                  "How strictly the device must match: exact, ids, none (default: policy)")
      ->check(CLI::IsMember({"exact", "ids", "none"}));
  cmd->add_flag("--identity-subsystem", m.identity_subsystem,
                "Also require the subsystem IDs to match");
  cmd->add_flag("--allow-lossy", m.allow_lossy,
                "Allow migration steps that drop data on the way to the current schema");
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
    throw CliError(ErrorKind::usage,
                   "--output-dump works with --dump or --image sources only; nothing was "
                   "written; leave it out to restore the devices in place",
                   {{"option", "--output-dump"}});
  }
  return lock_file_devices(in.file, in.only);
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
  add_restore_match_options(cmd, a->match);
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
        PlannedDevices planned = plan_with_policy(*in.source, in.file, in.only, registry, a->match,
                                                  a->no_verify, false, globals);
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
        const UndoChoice undo = undo_choice(a->no_undo, a->undo_dir, *in.source);
        const std::filesystem::path undo_file = save_undo_file(undo, restores, registry, globals);
        apply_planned(planned, undo, undo_file, globals);
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
  add_restore_match_options(cmd, a->match);
  return {cmd, [a, &globals] {
            RestoreInputs in = load_inputs(*a);
            const core::Registry registry = load_registry(globals);
            const std::vector<core::DeviceRestore> restores =
                plan_with_policy(*in.source, in.file, in.only, registry, a->match, false, true,
                                 globals)
                    .restores;
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
