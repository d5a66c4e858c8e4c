// capstate restore: write a state file back into devices, in phase order, then verify.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "backends/dump_source.hpp"
#include "backends/image_source.hpp"
#include "cli/cli_common.hpp"
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
  std::string identity;  // empty: from the policy
  bool identity_subsystem = false;
  bool dry_run = false;
  bool no_verify = false;
  bool allow_lossy = false;
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
                                const core::Registry& registry, const RestoreArgs& a, bool diff) {
  PlannedDevices out;
  for (const core::DeviceSection& section : file.devices) {
    if (!only.empty() && std::find(only.begin(), only.end(), section.address) == only.end()) {
      continue;
    }
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
        "no device of the state file matches the selection; nothing was written");
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
  if (!a.source.slots.empty() || !a.source.ids.empty()) {
    in.only = selected_devices(*in.source, a.source);
    if (in.only.empty()) {
      throw std::runtime_error("no device matches -s/-d; nothing was written");
    }
  }
  return in;
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
  cmd->add_option("--output-dump", a->output_dump,
                  "With --dump/--image: write the restored devices to FILE (same format)")
      ->type_name("FILE");
  return {cmd, [a, &globals] {
            RestoreInputs in = load_inputs(*a);
            const core::Registry registry = load_registry(globals);
            PlannedDevices planned =
                plan_with_policy(*in.source, in.file, in.only, registry, *a, false);
            std::vector<core::DeviceRestore>& restores = planned.restores;
            std::vector<const core::DevicePlan*> plans;
            for (const core::DeviceRestore& r : restores) {
              plans.push_back(&r.plan);
            }
            if (a->dry_run) {
              std::string text = "dry run: nothing was written\n";
              for (const core::DevicePlan* p : plans) {
                text += core::plan_to_text(*p, false);
              }
              print_out(globals.json ? core::plans_to_json(plans) : text);
              return kExitOk;
            }
            for (std::size_t i = 0; i < restores.size(); ++i) {
              restores[i].result =
                  core::apply_plan(restores[i].device, restores[i].plan, planned.verify[i]);
            }
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
              text +=
                  fmt::format("{}: {} writes; verify {}\n", r.plan.address.str(), r.result.written,
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
                               {"written", r.result.written},
                               {"verified", r.result.verified},
                               {"mismatches", r.result.mismatches}});
              }
              print_out(out.dump(2));
            } else {
              print_out(text);
            }
            return mismatch ? kExitVerifyFailed : kExitOk;
          }};
}

Verb add_diff_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("diff", "Show saved versus current values, register by register");
  auto a = std::make_shared<RestoreArgs>();
  cmd->add_option("FILE", a->input, "State file to compare with")->required()->type_name("FILE");
  add_source_options(cmd, a->source);
  add_restore_match_options(cmd, *a);
  return {cmd, [a, &globals] {
            RestoreInputs in = load_inputs(*a);
            const core::Registry registry = load_registry(globals);
            const std::vector<core::DeviceRestore> restores =
                plan_with_policy(*in.source, in.file, in.only, registry, *a, true).restores;
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
