#include "statetext/state_view.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "dispatch/entry_records.hpp"

namespace capstate::core {
namespace {

RecordView view_record(const Record& record, const Registry& registry) {
  RecordView view{record, false, {}, {}, {}, {}};
  const PluginEntry* entry = registry.find(record.plugin);
  if (entry == nullptr || !entry->plugin) {
    view.decode_error = fmt::format("no plugin named '{}' is loaded", record.plugin);
    return view;
  }
  try {
    DecodedRecord decoded = decode_record(*entry, record);
    view.fields = std::move(decoded.fields);
    view.extra = std::move(decoded.extra);
    view.decoded = true;
  } catch (const std::exception& e) {
    view.decode_error = e.what();
  }
  return view;
}

Record unview_record(const RecordView& view, const Registry& registry, const TextLocation& at) {
  const std::string where =
      fmt::format("{}device {} record {} ({})", at.file.empty() ? "" : at.str() + ": ", at.device,
                  at.record, at.plugin);
  if (!view.decoded) {
    return view.record;
  }
  const PluginEntry* entry = registry.find(view.record.plugin);
  if (entry == nullptr || !entry->plugin) {
    throw StateTextError(
        at, fmt::format(
                "{}: no plugin named '{}' is loaded to encode its fields; give the record as a raw "
                "'payload' instead, or add the plugin's directory with --plugin-dir",
                where, view.record.plugin));
  }
  // Fields the text leaves out are absent on the device (present_fields encoding).
  std::vector<FieldValue> fields = view.fields;
  for (const Layout& layout : entry->plugin->layouts()) {
    if (layout.schema_version != view.record.schema_version) {
      continue;
    }
    for (const Field& f : layout.fields) {
      const bool given = std::any_of(fields.begin(), fields.end(),
                                     [&](const FieldValue& v) { return v.name == f.name; });
      if (!given) {
        fields.push_back({std::string(f.name), 0, false, f.width});
      }
    }
  }
  Record record;
  try {
    record = assemble_record(*entry->plugin, view.record.capability, view.record.schema_version,
                             fields, view.extra);
  } catch (const std::exception& e) {
    // The plugin's message names the field but not where the record is; add that.
    throw StateTextError(at, fmt::format("{}: {}", where, e.what()));
  }
  // The plugin encodes the payload; what its claim matched is the text's to say.
  record.claim = view.record.claim;
  // A record written before its schema was re-expressed as data keeps the earlier fingerprint it
  // carries, so inspect -> assemble stays byte-identical.
  const Layout* layout = find_layout(*entry->plugin, view.record.schema_version);
  if (record.fingerprint != view.record.fingerprint && layout != nullptr &&
      fingerprint_matches(view.record.fingerprint, record.fingerprint, *layout)) {
    record.fingerprint = view.record.fingerprint;
  }
  if (record.fingerprint != view.record.fingerprint) {
    throw StateTextError(
        at, fmt::format("{}: fingerprint 0x{:016x} in the text differs from 0x{:016x} of plugin "
                        "'{}' schema {}; "
                        "the layout changed without a version bump, or the text was edited",
                        where, view.record.fingerprint, record.fingerprint, view.record.plugin,
                        view.record.schema_version));
  }
  return record;
}

}  // namespace

StateView view_state(const StateFile& file, const Registry& registry) {
  StateView view{file.envelope, {}};
  for (const DeviceSection& section : file.devices) {
    DeviceView device{section.address, section.identity, {}};
    for (const Record& record : section.records) {
      device.records.push_back(view_record(record, registry));
    }
    view.devices.push_back(std::move(device));
  }
  return view;
}

StateFile unview_state(const StateView& view, const Registry& registry) {
  StateFile file{view.envelope, {}};
  for (const DeviceView& device : view.devices) {
    DeviceSection section{device.address, device.identity, {}};
    for (std::size_t i = 0; i < device.records.size(); ++i) {
      const RecordView& r = device.records[i];
      TextLocation at = r.origin;
      at.device = device.address.str();
      at.record = i + 1;
      at.plugin = r.record.plugin;
      section.records.push_back(unview_record(r, registry, at));
    }
    file.devices.push_back(std::move(section));
  }
  return file;
}

}  // namespace capstate::core
