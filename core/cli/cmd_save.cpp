// capstate save: save the selected devices' capabilities into a state file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"
#include "cli/progress.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/save_state.hpp"
#include "restore/policy_options.hpp"
#include "statefile/codec.hpp"
#include "util/atomic_file.hpp"
#include "util/file_lock.hpp"

namespace capstate::cli {
Verb add_save_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("save", "Save the selected devices' state to a state file");
  auto opts = std::make_shared<SourceOptions>();
  auto output = std::make_shared<std::string>();
  add_source_options(cmd, *opts);
  cmd->add_option("-o,--output", *output, "State file to write (replaced atomically)")
      ->required()
      ->type_name("FILE");
  return {cmd, [opts, output, &globals](const core::Policy& policy) {
            // Held until after the rename: no other capstate writes this file meanwhile.
            const core::FileLock lock = core::lock_file_for_writing(*output);
            auto source = open_source(*opts);
            const std::vector<core::PciAddress> addresses = selected_devices(*source, *opts);
            if (addresses.empty()) {
              throw CliError(ErrorKind::refused,
                             fmt::format("no device in {} matches the selection; check -s/-d with "
                                         "'capstate list'",
                                         source->describe()));
            }
            const core::Registry registry = load_registry(globals, policy);
            core::SaveReport report;
            core::StateFile file;
            Progress progress("saving", addresses.size(), globals);
            for (const core::PciAddress& address : addresses) {
              progress.step(address);
              // The policy's options for this device, matched on the identity the save reads
              // anyway (through its dword cache): no second open, no second identity read.
              core::StateFile part = core::save_state_with(
                  *source, {address}, registry,
                  [&policy](const core::PciAddress& a, const core::DeviceIdentity& id) {
                    return std::optional<core::SaveOptions>(
                        core::save_options(core::effective(policy, a, id.vendor_id, id.device_id)));
                  },
                  report);
              file.envelope = part.envelope;
              if (!part.devices.empty()) {  // empty: left out by policy plugin_failure
                file.devices.push_back(std::move(part.devices.front()));
              }
            }
            progress.finish();
            for (const std::string& line : report.left_out) {
              spdlog::error("{}", line);
            }
            if (file.devices.empty()) {
              throw CliError(
                  ErrorKind::plugin,
                  fmt::format("every selected device was left out because a plugin failed; {} "
                              "was not written; fix or remove the plugin, or set plugin_failure "
                              "= \"capability\"",
                              *output),
                  {{"file", *output}, {"left_out", report.left_out}});
            }
            for (const std::string& w : report.warnings) {
              spdlog::warn("{}", w);
            }
            for (const std::string& u : report.unhandled) {
              spdlog::info("skipped (no plugin): {}", u);
            }
            const std::vector<std::uint8_t> bytes = core::encode_state(file);
            core::write_file_atomically(*output, bytes);
            std::size_t records = 0;
            for (const core::DeviceSection& d : file.devices) {
              records += d.records.size();
            }
            if (globals.json) {
              print_out(nlohmann::json{{"file", *output},
                                       {"devices", file.devices.size()},
                                       {"records", records},
                                       {"skipped_capabilities", report.unhandled.size()},
                                       {"left_out", report.left_out},
                                       {"bytes", bytes.size()}}
                            .dump(2));
            } else {
              print_out(fmt::format(
                  "saved {} devices, {} records ({} capabilities without a plugin skipped), "
                  "{} bytes to {}",
                  file.devices.size(), records, report.unhandled.size(), bytes.size(), *output));
            }
            if (!report.left_out.empty()) {
              spdlog::error(
                  "incomplete: {} devices or capabilities left out because a plugin "
                  "failed (see above); the rest was saved to {}",
                  report.left_out.size(), *output);
              return kExitFailure;
            }
            return kExitOk;
          }};
}

}  // namespace capstate::cli
