// capstate list: one line per device with its address, IDs and class.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "dispatch/device_save.hpp"

namespace capstate::cli {

Verb add_list_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("list", "List devices: address, vendor:device, class, revision");
  auto opts = std::make_shared<SourceOptions>();
  add_source_options(cmd, *opts);
  return {cmd, [opts, &globals](const core::Policy&) {
            auto source = open_source(*opts);
            nlohmann::json out = nlohmann::json::array();
            std::string text;
            for (const core::PciAddress& address : selected_devices(*source, *opts)) {
              core::Device device = source->open(address);
              const core::DeviceIdentity id = core::read_identity(*device.config);
              if (globals.json) {
                out.push_back({{"address", address.str()},
                               {"vendor_id", id.vendor_id},
                               {"device_id", id.device_id},
                               {"subsystem_vendor_id", id.subsystem_vendor_id},
                               {"subsystem_id", id.subsystem_id},
                               {"class", id.class_code},
                               {"revision", id.revision},
                               {"header_type", id.header_type}});
              } else {
                text += fmt::format("{} {:04x}:{:04x} class {:06x} rev {:02x}\n", address.str(),
                                    id.vendor_id, id.device_id, id.class_code, id.revision);
              }
            }
            print_out(globals.json ? out.dump(2) : text);
            return kExitOk;
          }};
}

}  // namespace capstate::cli
