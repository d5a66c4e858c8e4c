// capstate save: save the selected devices' capabilities into a state file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "engine/save_state.hpp"
#include "statefile/codec.hpp"
#include "util/atomic_file.hpp"

namespace capstate::cli {

Verb add_save_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("save", "Save the selected devices' state to a state file");
  auto opts = std::make_shared<SourceOptions>();
  auto output = std::make_shared<std::string>();
  add_source_options(cmd, *opts);
  cmd->add_option("-o,--output", *output, "State file to write (replaced atomically)")
      ->required()
      ->type_name("FILE");
  return {cmd, [opts, output, &globals] {
            auto source = open_source(*opts);
            const std::vector<core::PciAddress> addresses = selected_devices(*source, *opts);
            if (addresses.empty()) {
              throw std::runtime_error(
                  fmt::format("no device in {} matches the selection; check -s/-d with "
                              "'capstate list'",
                              source->describe()));
            }
            const core::Registry registry = load_registry(globals);
            core::SaveOptions save_options;
            core::SaveReport report;
            const core::StateFile file =
                core::save_state(*source, addresses, registry, save_options, report);
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
                                       {"bytes", bytes.size()}}
                            .dump(2));
            } else {
              print_out(fmt::format(
                  "saved {} devices, {} records ({} capabilities without a plugin skipped), "
                  "{} bytes to {}",
                  file.devices.size(), records, report.unhandled.size(), bytes.size(), *output));
            }
            return kExitOk;
          }};
}

}  // namespace capstate::cli
