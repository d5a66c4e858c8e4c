// capstate save: save the selected devices' capabilities into a state file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "engine/save_engine.hpp"
#include "engine/save_state.hpp"
#include "statefile/codec.hpp"
#include "util/atomic_file.hpp"

namespace capstate::cli {
namespace {

// Policy for one device: unhandled_capability = "fail" and skip_capabilities (capability keys).
core::SaveOptions save_options_for(core::DeviceSource& source, const core::PciAddress& address) {
  const core::Device device = source.open(address);
  const core::DeviceIdentity id = core::read_identity(*device.config);
  const core::DevicePolicy p = core::effective(policy(), address, id.vendor_id, id.device_id);
  core::SaveOptions options;
  options.fail_on_unhandled = p.unhandled_capability.value == "fail";
  for (const std::string& key : p.skip_capabilities.value) {
    if (const auto cap = core::parse_capability_key(key)) {
      options.skip.push_back(*cap);
    }
  }
  return options;
}

}  // namespace

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
            core::SaveReport report;
            core::StateFile file;
            for (const core::PciAddress& address : addresses) {
              core::StateFile part = core::save_state(*source, {address}, registry,
                                                      save_options_for(*source, address), report);
              if (file.devices.empty()) {
                file.envelope = part.envelope;
              }
              file.devices.push_back(std::move(part.devices.front()));
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
