// Saving a device target by target, each with the plugin assign_targets chose.
#include "dispatch/device_save.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <utility>

#include "backends/cached_config_space.hpp"
#include "discovery/discovery.hpp"
#include "dispatch/targets.hpp"
#include "dispatch/unmapped_bars.hpp"
#include "engine/plugin_call.hpp"

namespace capstate::core {

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

namespace {

std::string left_out_line(const Device& device, const std::string& plugin, const Capability& cap,
                          const std::string& why) {
  return device.address.str() + ": " + target_text(cap) + " left out (plugin '" + plugin +
         "' failed; policy plugin_failure = \"capability\"): " + why;
}

// One record through the watched BAR space. Lines about arrays whose BAR the kernel refused to
// map (the array codec writes one per array it could not read) become entries of `unmapped`,
// summarised once for the run; any other line goes to the report's warnings as it is.
Record save_one(const PluginEntry& entry, const Capability& cap, ConfigSpace& config,
                BarMapWatch* bars, const Device& device, std::vector<UnmappedBar>& unmapped,
                SaveReport& report) {
  std::vector<std::string> lines;
  const std::size_t refused_before = bars == nullptr ? 0 : bars->refusals().size();
  Record record = save_record(entry, cap, config, bars, &lines);
  const std::span<const BarMapWatch::Refusal> refused =
      bars == nullptr ? std::span<const BarMapWatch::Refusal>{}
                      : std::span(bars->refusals()).subspan(refused_before);
  // Each array the codec could not read stopped at its first failing BAR read and left one line:
  // as many lines as refused mappings means every line is about one of them.
  const bool all_refused =
      !lines.empty() && lines.size() == refused.size() &&
      std::all_of(refused.begin(), refused.end(),
                  [](const BarMapWatch::Refusal& r) { return summarised_bar_error(r.error); });
  if (all_refused) {
    for (const BarMapWatch::Refusal& r : refused) {
      unmapped.push_back({device.address, entry.name, r.bar, r.error});
    }
  } else {
    report.warnings.insert(report.warnings.end(), std::make_move_iterator(lines.begin()),
                           std::make_move_iterator(lines.end()));
  }
  return record;
}

// Everything save_device does once the options are known; `config` is the save's cache.
DeviceSection save_targets(Device& device, ConfigSpace& config, DeviceSection section,
                           const Registry& registry, const SaveOptions& options,
                           SaveReport& report) {
  std::optional<BarMapWatch> watch;
  if (device.bars != nullptr) {
    watch.emplace(*device.bars);
  }
  BarMapWatch* bars = watch ? &*watch : nullptr;
  std::vector<UnmappedBar> unmapped;
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
      section.records.push_back(save_one(*entry, cap, config, bars, device, unmapped, report));
      section.records.back().claim = owner.match;
      continue;
    }
    try {
      section.records.push_back(save_one(*entry, cap, config, bars, device, unmapped, report));
      section.records.back().claim = owner.match;
    } catch (const PluginFailure& e) {
      report.left_out.push_back(left_out_line(device, entry->name, cap, e.what()));
    }
  }
  // Only now: a device that a plugin failure leaves out has nothing to report here.
  note_unmapped_bars(report, unmapped);
  return section;
}

}  // namespace

std::optional<DeviceSection> save_device_with(Device& device, const Registry& registry,
                                              const SaveOptionsFor& options_for,
                                              SaveReport& report) {
  CachedConfigSpace cached(*device.config);
  DeviceSection section;
  section.address = device.address;
  section.identity = read_identity(cached);
  const std::optional<SaveOptions> options = options_for(device.address, section.identity);
  if (!options) {
    return std::nullopt;
  }
  ConfigSpace& config = options->cache_reads ? static_cast<ConfigSpace&>(cached) : *device.config;
  return save_targets(device, config, std::move(section), registry, *options, report);
}

DeviceSection save_device(Device& device, const Registry& registry, const SaveOptions& options,
                          SaveReport& report) {
  CachedConfigSpace cached(*device.config);
  ConfigSpace& config = options.cache_reads ? static_cast<ConfigSpace&>(cached) : *device.config;
  DeviceSection section;
  section.address = device.address;
  section.identity = read_identity(config);
  return save_targets(device, config, std::move(section), registry, options, report);
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
