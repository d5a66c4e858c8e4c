// capstate restore: write a state file back into devices, in phase order, then verify.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"
#include "cli/restore_observer.hpp"
#include "restore/plan_text.hpp"
#include "restore/restore_session.hpp"
#include "statefile/codec.hpp"
#include "util/file_read.hpp"

namespace capstate::cli {
namespace {

/// Flags of restore and diff that win over the per-device policy (empty/false: the policy's).
struct MatchFlags {
  std::string identity;             // --identity exact|ids|none
  bool identity_subsystem = false;  // --identity-subsystem
  bool allow_lossy = false;         // --allow-lossy
};

struct RestoreArgs {
  SourceOptions source;
  std::string input;
  std::string output_dump;
  MatchFlags match;  // --identity, --identity-subsystem, --allow-lossy
  bool dry_run = false;
  bool no_verify = false;
  bool no_undo = false;                // --no-undo (wins over policy undo)
  std::string undo_dir;                // --undo-dir (empty: policy undo_dir)
  bool allow_untrusted_state = false;  // --allow-untrusted-state
};

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

// The library request for restore (or, with `mode` compare, diff) of `in` as `a` asks.
core::RestoreRequest restore_request(const RestoreArgs& a, RestoreInputs& in,
                                     const core::Policy& policy, const GlobalOptions& globals,
                                     core::RestoreMode mode) {
  core::RestoreRequest request;
  request.source = in.source.get();
  request.file = &in.file;
  // Onto sysfs, a state file others could have written is refused unless the option is given.
  request.file_path = a.input;
  request.allow_untrusted_state = a.allow_untrusted_state;
  request.only = in.only;
  request.policy = &policy;
  if (!a.match.identity.empty()) {  // CLI11 let only exact, ids and none through
    request.overrides.identity = core::parse_identity_mode(a.match.identity);
  }
  request.overrides.identity_subsystem = a.match.identity_subsystem;
  request.overrides.allow_lossy = a.match.allow_lossy;
  request.mode = mode;
  request.verify = !a.no_verify;
  request.undo = !a.no_undo;
  request.undo_dir = a.undo_dir;
  request.output_copy = a.output_dump;
  // Loaded by run_restore once the locks are held; refused plugins are logged by the observer.
  request.registry_options = registry_options(globals, policy);
  return request;
}

// The closing line of a restore whose read-back found differences: how many, and what to do.
std::string verify_failure_text(const core::RestoreOutcome& outcome, const std::string& input) {
  return fmt::format(
      "verify failed: {} registers on {} devices read back different from what was written; "
      "run 'capstate diff {}' with the same source to see them, and check that no driver is "
      "bound to those devices",
      outcome.mismatches(), outcome.devices_with_mismatches(), input);
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
  cmd->add_flag("--allow-untrusted-state", a->allow_untrusted_state,
                "Restore onto sysfs even a state file that is writable by group or others or "
                "owned by another user");
  return {
      cmd, [a, &globals](const core::Policy& policy) {
        RestoreInputs in = load_inputs(*a);
        // Locks, plugins, planning, undo file, writes, verification and --output-dump: the
        // library does all of it; the left-out lines are logged as errors once all is planned.
        CliRestoreObserver observer(globals, LeftOutLog::error);
        const core::RestoreOutcome outcome = core::run_restore(
            restore_request(*a, in, policy, globals,
                            a->dry_run ? core::RestoreMode::dry_run : core::RestoreMode::apply),
            observer);
        std::vector<const core::DevicePlan*> plans;
        for (const core::RestoredDevice& r : outcome.devices) {
          plans.push_back(&r.plan);
        }
        // Devices and capabilities left out because a plugin failed (policy plugin_failure).
        const std::size_t left_out = outcome.left_out();
        if (a->dry_run) {
          std::string text = "dry run: nothing was written\n";
          for (const core::DevicePlan* p : plans) {
            text += core::plan_to_text(*p, false);
          }
          print_out(globals.json ? core::plans_to_json(plans) : text);
          return left_out == 0 ? kExitOk : kExitFailure;
        }
        const std::filesystem::path& undo_file = outcome.undo_file;
        bool mismatch = false;
        std::string text;
        for (const core::RestoredDevice& r : outcome.devices) {
          for (const std::string& w : r.plan.warnings) {
            spdlog::warn("{}", w);
          }
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
                              !r.verify ? "skipped"
                              : r.result.mismatches.empty()
                                  ? fmt::format("OK ({} registers)", r.result.verified)
                                  : fmt::format("FAILED ({} of {} registers differ)",
                                                r.result.mismatches.size(), r.result.verified));
        }
        if (globals.json) {
          nlohmann::json out = nlohmann::json::array();
          for (const core::RestoredDevice& r : outcome.devices) {
            out.push_back({{"address", r.plan.address.str()},
                           {"undo_file", undo_file.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(undo_file.string())},
                           {"written", r.result.written},
                           {"verified", r.result.verified},
                           {"mismatches", r.result.mismatches},
                           {"left_out", r.plan.left_out}});
          }
          if (mismatch) {  // a failure: one JSON error object, with the results inside
            print_out(error_json({verify_failure_text(outcome, a->input),
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
          spdlog::error("{}", verify_failure_text(outcome, a->input));
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
  return {cmd, [a, &globals](const core::Policy& policy) {
            RestoreInputs in = load_inputs(*a);
            CliRestoreObserver observer(globals, LeftOutLog::none);
            const core::RestoreOutcome outcome = core::run_restore(
                restore_request(*a, in, policy, globals, core::RestoreMode::compare), observer);
            std::vector<const core::DevicePlan*> plans;
            std::string text;
            for (const core::RestoredDevice& r : outcome.devices) {
              plans.push_back(&r.plan);
              text += core::plan_to_text(r.plan, true);
            }
            print_out(globals.json ? core::plans_to_json(plans) : text);
            return kExitOk;
          }};
}

}  // namespace capstate::cli
