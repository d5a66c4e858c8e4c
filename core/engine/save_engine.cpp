// Saving devices capability by capability, and decoding / assembling records.
#include "engine/save_engine.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

#include "discovery/discovery.hpp"
#include "engine/layout_text.hpp"
#include "engine/targets.hpp"
#include "registry/plugin_call.hpp"

namespace capstate::core {
namespace {

/// The most plugin-coded bytes one record may carry (1 MiB; far above any real capability).
constexpr std::size_t kMaxExtraBytes = std::size_t{1} << 20;

std::string hex(std::uint64_t v, int digits = 0) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

std::string describe(const Capability& cap) {
  return target_text(cap);
}

const Layout& window_layout(const Plugin& plugin, const PluginInfo& info, std::uint16_t schema,
                            const std::string& what) {
  if (schema < info.oldest_schema || schema > info.current_schema) {
    throw EngineError(what + " has schema " + std::to_string(schema) + ", but plugin '" +
                      std::string(info.name) + "' " + std::string(info.version) +
                      " supports schemas " + std::to_string(info.oldest_schema) + " to " +
                      std::to_string(info.current_schema) +
                      "; use a plugin release that supports schema " + std::to_string(schema));
  }
  const Layout* layout = guarded_call(info.name, "a state file record", "listing its layouts",
                                      [&] { return find_layout(plugin, schema); });
  if (layout == nullptr) {
    throw EngineError("plugin '" + std::string(info.name) + "' declares schemas " +
                      std::to_string(info.oldest_schema) + " to " +
                      std::to_string(info.current_schema) + " but has no layout for schema " +
                      std::to_string(schema) + "; the plugin is broken");
  }
  return *layout;
}

// The plugin of a loaded entry; EngineError when the entry holds none.
const Plugin& plugin_of(const PluginEntry& entry) {
  if (!entry.plugin) {
    throw EngineError("plugin '" + entry.name + "' (" + entry.file.string() + ") is not loaded: " +
                      entry.reason + "; use a plugin the registry lists as loaded");
  }
  return *entry.plugin;
}

// save_record; `entry` (may be null) supplies cached fingerprints. Texts for errors are built
// only when something fails.
Record save_record_with(const Plugin& plugin, const PluginEntry* entry, const Capability& cap,
                        ConfigSpace& config, BarSpace* bars, std::vector<std::string>* warnings) {
  using Texts = std::pair<std::string, std::string>;
  const PluginInfo info = guarded_call_lazy(
      "(unnamed)",
      [&] {
        return Texts{config.device_name(), "reporting its info for " + describe(cap)};
      },
      [&] { return plugin.info(); });
  const auto saving = [&] { return Texts{config.device_name(), "saving " + describe(cap)}; };
  const Layout* layout = guarded_call_lazy(
      info.name, saving, [&] { return find_layout(plugin, info.current_schema); });
  if (layout == nullptr) {
    throw PluginFailure(info.name, config.device_name(), saving().second,
                        "it has no layout for its current schema " +
                            std::to_string(info.current_schema) +
                            "; the plugin is broken, remove or fix it");
  }
  // Register reads are the engine's own: an AccessError already names device and offset.
  RegisterCache regs(config, cap);
  const std::vector<SavedField> fields = read_fields(*layout, cap, regs);
  std::vector<ArrayValues> arrays;
  if (!layout->arrays.empty()) {
    try {
      arrays = read_arrays(info.name, *layout, cap, fields, regs, bars, warnings);
    } catch (const PayloadError& e) {
      throw PluginFailure(info.name, config.device_name(), saving().second, e.what());
    }
  }
  const SaveContext ctx{cap, config, bars, fields};
  const std::vector<std::uint8_t> extra =
      guarded_call_lazy(info.name, saving, [&] { return plugin.save_extra(ctx); });
  if (extra.size() > kMaxExtraBytes) {
    throw PluginFailure(info.name, config.device_name(), saving().second,
                        "it returned " + std::to_string(extra.size()) +
                            " extra bytes, more than the " + std::to_string(kMaxExtraBytes) +
                            " a record may hold; the plugin is broken");
  }
  if (!extra.empty() && layout->extra.empty()) {
    throw PluginFailure(info.name, config.device_name(), saving().second,
                        "it returned " + std::to_string(extra.size()) +
                            " extra bytes, but its schema " +
                            std::to_string(layout->schema_version) +
                            " declares no extra data; the plugin is broken");
  }
  Record record;
  record.capability = cap;
  record.plugin = std::string(info.name);
  record.schema_version = layout->schema_version;
  record.fingerprint = record_fingerprint(entry, info.name, *layout);
  record.payload = pack_fields(*layout, fields, extra.size());
  pack_arrays(*layout, arrays, record.payload);
  record.payload.insert(record.payload.end(), extra.begin(), extra.end());
  return record;
}

// decode_record; `entry` (may be null) supplies cached fingerprints.
DecodedRecord decode_record_with(const Plugin& plugin, const PluginEntry* entry,
                                 const Record& record) {
  const PluginInfo info = guarded_call(record.plugin, "a state file record", "reporting its info",
                                       [&] { return plugin.info(); });
  const std::string what =
      "record of plugin '" + record.plugin + "' for " + describe(record.capability);
  if (record.plugin != info.name) {
    throw EngineError(what + " was given to plugin '" + std::string(info.name) +
                      "'; decode it with plugin '" + record.plugin + "'");
  }
  const Layout& layout = window_layout(plugin, info, record.schema_version, what);
  const std::uint64_t expected = record_fingerprint(entry, info.name, layout);
  if (!fingerprint_matches(record.fingerprint, expected, layout)) {
    throw EngineError(what + ": layout changed without a version bump: plugin '" +
                      std::string(info.name) + "' schema " + std::to_string(record.schema_version) +
                      " has fingerprint " + hex(expected, 16) + " but the record carries " +
                      hex(record.fingerprint, 16) +
                      "; the record was written by an incompatible build of the plugin");
  }
  UnpackedPayload unpacked = unpack_payload(info.name, layout, record.payload);
  DecodedRecord out;
  out.plugin = record.plugin;
  out.schema_version = record.schema_version;
  out.fields = std::move(unpacked.fields);
  out.arrays = std::move(unpacked.arrays);
  out.extra = array_named_values(layout, out.arrays);
  if (!layout.extra.empty()) {
    std::vector<DecodedValue> coded =
        guarded_call(info.name, what, "decoding its extra bytes",
                     [&] { return plugin.decode_extra(record.schema_version, unpacked.extra); });
    out.extra.insert(out.extra.end(), std::make_move_iterator(coded.begin()),
                     std::make_move_iterator(coded.end()));
  }
  return out;
}

std::string left_out_line(const Device& device, const std::string& plugin, const Capability& cap,
                          const std::string& why) {
  return device.address.str() + ": " + describe(cap) + " left out (plugin '" + plugin +
         "' failed; policy plugin_failure = \"capability\"): " + why;
}

}  // namespace

bool fingerprint_matches(std::uint64_t carried, std::uint64_t expected, const Layout& layout) {
  return carried == expected ||
         (layout.earlier_fingerprint != 0 && carried == layout.earlier_fingerprint);
}

std::uint64_t record_fingerprint(const PluginEntry* entry, std::string_view plugin,
                                 const Layout& layout) {
  if (entry != nullptr) {
    if (const std::optional<std::uint64_t> cached = cached_fingerprint(*entry, plugin, layout)) {
      return *cached;
    }
  }
  return layout_fingerprint(plugin, layout);
}

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

const Layout* find_layout(const Plugin& plugin, std::uint16_t schema) {
  for (const Layout& layout : plugin.layouts()) {
    if (layout.schema_version == schema) {
      return &layout;
    }
  }
  return nullptr;
}

Record save_record(const Plugin& plugin, const Capability& cap, ConfigSpace& config,
                   BarSpace* bars) {
  return save_record_with(plugin, nullptr, cap, config, bars, nullptr);
}

Record save_record(const PluginEntry& entry, const Capability& cap, ConfigSpace& config,
                   BarSpace* bars, std::vector<std::string>* warnings) {
  return save_record_with(plugin_of(entry), &entry, cap, config, bars, warnings);
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
      std::string line = device.address.str() + ": no plugin handles " + describe(cap);
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

DecodedRecord decode_record(const Plugin& plugin, const Record& record) {
  return decode_record_with(plugin, nullptr, record);
}

DecodedRecord decode_record(const PluginEntry& entry, const Record& record) {
  return decode_record_with(plugin_of(entry), &entry, record);
}

Record assemble_record(const Plugin& plugin, const Capability& cap, std::uint16_t schema,
                       std::span<const FieldValue> fields, std::span<const DecodedValue> extra) {
  const PluginInfo info = guarded_call("(unnamed)", "an assembled record", "reporting its info",
                                       [&] { return plugin.info(); });
  const std::string what =
      "assembled record of plugin '" + std::string(info.name) + "' for " + describe(cap);
  const Layout& layout = window_layout(plugin, info, schema, what);
  Record record;
  record.capability = cap;
  record.plugin = std::string(info.name);
  record.schema_version = schema;
  record.fingerprint = layout_fingerprint(info.name, layout);
  record.payload = pack_named_fields(info.name, layout, fields);
  std::vector<DecodedValue> rest(extra.begin(), extra.end());
  const std::vector<ArrayValues> arrays = take_array_values(info.name, layout, rest);
  pack_arrays(layout, arrays, record.payload);
  if (layout.extra.empty()) {
    if (!rest.empty()) {
      throw EngineError(what + ": schema " + std::to_string(schema) +
                        " has no extra data, but value '" + rest.front().name +
                        "' was given; remove it");
    }
    return record;
  }
  const std::vector<std::uint8_t> bytes = guarded_call(
      info.name, what, "encoding extra values", [&] { return plugin.encode_extra(schema, rest); });
  record.payload.insert(record.payload.end(), bytes.begin(), bytes.end());
  return record;
}

}  // namespace capstate::core
