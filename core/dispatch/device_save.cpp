// Saving a device target by target, each with the plugin assign_targets chose.
#include "dispatch/device_save.hpp"

#include <algorithm>
#include <utility>

#include "discovery/discovery.hpp"
#include "dispatch/targets.hpp"
#include "engine/plugin_call.hpp"

namespace capstate::core {
namespace {

std::string left_out_line(const Device& device, const std::string& plugin, const Capability& cap,
                          const std::string& why) {
  return device.address.str() + ": " + target_text(cap) + " left out (plugin '" + plugin +
         "' failed; policy plugin_failure = \"capability\"): " + why;
}

}  // namespace

DeviceIdentity read_identity(ConfigSpace& config) {
  DeviceIdentity id;
  const std::uint32_t ids = config.read32(0x00);
  id.vendor_id = static_cast<std::uint16_t>(ids);
  id.device_id = static_cast<std::uint16_t>(ids >> 16);
  const std::uint32_t class_rev = config.read32(0x08);
  id.revision = static_cast<std::uint8_t>(class_rev);
  id.class_code = class_rev >> 8;
  id.header_type = config.read8(0x0e);
  if ((id.header_type & 0x7f) == 0) {
    const std::uint32_t subsystem = config.read32(0x2c);
    id.subsystem_vendor_id = static_cast<std::uint16_t>(subsystem);
    id.subsystem_id = static_cast<std::uint16_t>(subsystem >> 16);
  }
  return id;
}

DeviceSection save_device(Device& device, const Registry& registry, const SaveOptions& options,
                          SaveReport& report) {
  ConfigSpace& config = *device.config;
  DeviceSection section;
  section.address = device.address;
  section.identity = read_identity(config);
  DiscoveryResult found = discover(config, section.identity.header_type);
  for (std::string& w : found.warnings) {
    report.warnings.push_back(std::move(w));
  }
  const std::vector<TargetOwner> owners =
      assign_targets(registry, config, section.identity, found.capabilities, &report.warnings);
  section.records.reserve(owners.size());
  for (const TargetOwner& owner : owners) {
    const Capability& cap = owner.target;
    if (std::find(options.skip.begin(), options.skip.end(), cap.type()) != options.skip.end()) {
      continue;
    }
    const PluginEntry* entry = owner.entry;
    if (entry == nullptr || !entry->plugin) {
      if (cap.kind == CapKind::header || cap.kind == CapKind::region) {
        continue;  // the header is saved only when a plugin claims it; regions exist by claims
      }
      std::string line = device.address.str() + ": no plugin handles " + target_text(cap);
      if (options.fail_on_unhandled) {
        throw EngineError(line +
                          "; install a plugin for it, skip it, or allow unhandled capabilities");
      }
      report.unhandled.push_back(std::move(line));
      continue;
    }
    if (options.on_plugin_failure != PluginFailureMode::capability) {
      section.records.push_back(
          save_record(*entry, cap, config, device.bars.get(), &report.warnings));
      section.records.back().claim = owner.match;
      continue;
    }
    try {
      section.records.push_back(
          save_record(*entry, cap, config, device.bars.get(), &report.warnings));
      section.records.back().claim = owner.match;
    } catch (const PluginFailure& e) {
      report.left_out.push_back(left_out_line(device, entry->name, cap, e.what()));
    }
  }
  return section;
}

std::optional<PluginFailureMode> parse_plugin_failure_mode(std::string_view text) {
  if (text == "abort") {
    return PluginFailureMode::abort;
  }
  if (text == "device") {
    return PluginFailureMode::device;
  }
  if (text == "capability") {
    return PluginFailureMode::capability;
  }
  return std::nullopt;
}

}  // namespace capstate::core
