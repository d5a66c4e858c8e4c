// capstate discover: the capabilities of each device, with names and the plugin that handles each.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "discovery/capability_names.hpp"
#include "discovery/discovery.hpp"
#include "engine/save_engine.hpp"

namespace capstate::cli {
namespace {

std::string format_cap(const Capability& cap, const std::string& name, const std::string& plugin) {
  std::string line =
      cap.kind == CapKind::standard
          ? fmt::format("  [{:03x}] standard 0x{:02x}     ", cap.offset, cap.id)
          : fmt::format("  [{:03x}] extended 0x{:04x} v{}", cap.offset, cap.id, cap.version);
  line += fmt::format("  {}", name);
  if (!plugin.empty()) {
    line += fmt::format("  (plugin {})", plugin);
  }
  return line + "\n";
}

}  // namespace

Verb add_discover_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("discover", "Show the capabilities of each device");
  auto opts = std::make_shared<SourceOptions>();
  add_source_options(cmd, *opts);
  return {cmd, [opts, &globals] {
            auto source = open_source(*opts);
            const core::CapabilityNames names = core::CapabilityNames::load_default();
            const core::Registry registry = load_registry(globals);
            nlohmann::json out = nlohmann::json::array();
            std::string text;
            for (const core::PciAddress& address : selected_devices(*source, *opts)) {
              core::Device device = source->open(address);
              const core::DeviceIdentity id = core::read_identity(*device.config);
              const core::DiscoveryResult found = core::discover(*device.config);
              for (const std::string& w : found.warnings) {
                spdlog::warn("{}", w);
              }
              nlohmann::json caps = nlohmann::json::array();
              text += fmt::format("{} {:04x}:{:04x}\n", address.str(), id.vendor_id, id.device_id);
              for (const Capability& cap : found.capabilities) {
                const core::PluginEntry* handler = registry.handler(cap.type());
                const std::string plugin = handler != nullptr ? handler->name : "";
                const std::string name = names.name(cap.type());
                caps.push_back({{"kind", std::string(to_string(cap.kind))},
                                {"id", cap.id},
                                {"offset", cap.offset},
                                {"version", cap.version},
                                {"name", name},
                                {"plugin", handler != nullptr ? nlohmann::json(plugin)
                                                              : nlohmann::json(nullptr)}});
                text += format_cap(cap, name, plugin);
              }
              out.push_back({{"address", address.str()},
                             {"vendor_id", id.vendor_id},
                             {"device_id", id.device_id},
                             {"capabilities", caps},
                             {"warnings", found.warnings}});
            }
            print_out(globals.json ? out.dump(2) : text);
            return kExitOk;
          }};
}

}  // namespace capstate::cli
