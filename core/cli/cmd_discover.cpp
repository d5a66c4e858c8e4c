// capstate discover: the targets of each device (header, capabilities, regions), with names and
// the plugin that takes each and what its claim matched, or why a capability no plugin takes
// holds no state (data/capability-stateless.toml).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "discovery/capability_names.hpp"
#include "discovery/discovery.hpp"
#include "discovery/stateless_capabilities.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/targets.hpp"

namespace capstate::cli {
namespace {

// Why a capability that no plugin takes holds no state; nullptr when it is taken, not a listed
// capability, or not marked.
const std::string* stateless_reason(const core::TargetOwner& owner,
                                    const core::StatelessCapabilities& stateless) {
  const Capability& cap = owner.target;
  const bool listed = cap.kind == CapKind::standard || cap.kind == CapKind::extended;
  return owner.entry == nullptr && listed ? stateless.reason(cap.type()) : nullptr;
}

std::string format_target(const core::TargetOwner& owner, const std::string& name,
                          const std::string* stateless) {
  const Capability& cap = owner.target;
  std::string line;
  switch (cap.kind) {
    case CapKind::standard:
      line = fmt::format("  [{:03x}] standard 0x{:02x}     ", cap.offset, cap.id);
      break;
    case CapKind::extended:
      line = fmt::format("  [{:03x}] extended 0x{:04x} v{}", cap.offset, cap.id, cap.version);
      break;
    case CapKind::header:
      line = fmt::format("  [{:03x}] header             ", cap.offset);
      break;
    case CapKind::region:
      line = fmt::format("  [{:03x}] region             ", cap.offset);
      break;
  }
  line += fmt::format("  {}", name);
  if (owner.entry != nullptr) {
    line += fmt::format("  (plugin {}{})", owner.entry->name,
                        owner.match.empty() ? "" : "; matched " + owner.match);
  } else if (stateless != nullptr) {
    line += fmt::format("  (stateless: {})", *stateless);
  }
  return line + "\n";
}

nlohmann::json target_json(const core::TargetOwner& owner, const std::string& name,
                           const std::string* stateless) {
  const Capability& cap = owner.target;
  return {
      {"kind", std::string(to_string(cap.kind))},
      {"id", cap.id},
      {"offset", cap.offset},
      {"version", cap.version},
      {"name", name},
      {"plugin",
       owner.entry != nullptr ? nlohmann::json(owner.entry->name) : nlohmann::json(nullptr)},
      {"match", owner.match},
      {"stateless", stateless != nullptr ? nlohmann::json(*stateless) : nlohmann::json(nullptr)}};
}

}  // namespace

Verb add_discover_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("discover", "Show the capabilities of each device");
  auto opts = std::make_shared<SourceOptions>();
  add_source_options(cmd, *opts);
  return {cmd, [opts, &globals](const core::Policy& policy) {
            auto source = open_source(*opts);
            const core::CapabilityNames names =
                core::CapabilityNames::load_default(globals.env.data_dir);
            const core::StatelessCapabilities stateless =
                core::StatelessCapabilities::load_default(globals.env.data_dir);
            const core::Registry registry = load_registry(globals, policy);
            nlohmann::json out = nlohmann::json::array();
            std::string text;
            for (const core::PciAddress& address : selected_devices(*source, *opts)) {
              core::Device device = source->open(address);
              const core::DeviceIdentity id = core::read_identity(*device.config);
              const core::DiscoveryResult found = core::discover(*device.config);
              for (const std::string& w : found.warnings) {
                spdlog::warn("{}", w);
              }
              std::vector<std::string> warnings = found.warnings;
              const std::vector<core::TargetOwner> owners =
                  core::assign_targets(registry, *device.config, id, found.capabilities, &warnings);
              for (std::size_t i = found.warnings.size(); i < warnings.size(); ++i) {
                spdlog::warn("{}", warnings[i]);
              }
              nlohmann::json caps = nlohmann::json::array();
              nlohmann::json regions = nlohmann::json::array();
              nlohmann::json header;
              text += fmt::format("{} {:04x}:{:04x}\n", address.str(), id.vendor_id, id.device_id);
              for (const core::TargetOwner& owner : owners) {
                const Capability& cap = owner.target;
                const bool listed = cap.kind == CapKind::standard || cap.kind == CapKind::extended;
                const std::string name =
                    listed ? names.name(cap.type())
                           : (cap.kind == CapKind::header ? "Configuration header" : "Region");
                const std::string* reason = stateless_reason(owner, stateless);
                if (cap.kind == CapKind::header) {
                  header = target_json(owner, name, reason);
                } else if (cap.kind == CapKind::region) {
                  regions.push_back(target_json(owner, name, reason));
                } else {
                  caps.push_back(target_json(owner, name, reason));
                }
                // The header is shown when a plugin takes it; capabilities always.
                if (listed || owner.entry != nullptr) {
                  text += format_target(owner, name, reason);
                }
              }
              out.push_back({{"address", address.str()},
                             {"vendor_id", id.vendor_id},
                             {"device_id", id.device_id},
                             {"header", header},
                             {"capabilities", caps},
                             {"regions", regions},
                             {"warnings", warnings}});
            }
            print_out(globals.json ? out.dump(2) : text);
            return kExitOk;
          }};
}

}  // namespace capstate::cli
