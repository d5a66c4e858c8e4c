// Saving one capability into a record, decoding a record, and assembling one from named values.
#include "engine/record_codec.hpp"

#include <utility>

#include "engine/layout_text.hpp"
#include "engine/plugin_call.hpp"
#include "util/target_text.hpp"

namespace capstate::core {
namespace {

/// The most plugin-coded bytes one record may carry (1 MiB; far above any real capability).
constexpr std::size_t kMaxExtraBytes = std::size_t{1} << 20;

}  // namespace

// Texts for errors are built only when something fails.
Record save_record(const Plugin& plugin, const Capability& cap, ConfigSpace& config, BarSpace* bars,
                   std::vector<std::string>* warnings, const PluginPrints* prints) {
  using Texts = std::pair<std::string, std::string>;
  const PluginInfo info = guarded_call_lazy(
      "(unnamed)",
      [&] {
        return Texts{config.device_name(), "reporting its info for " + target_text(cap)};
      },
      [&] { return plugin.info(); });
  const auto saving = [&] { return Texts{config.device_name(), "saving " + target_text(cap)}; };
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
  record.fingerprint = record_fingerprint(prints, info.name, *layout);
  record.payload = pack_fields(*layout, fields, extra.size());
  pack_arrays(*layout, arrays, record.payload);
  record.payload.insert(record.payload.end(), extra.begin(), extra.end());
  return record;
}

DecodedRecord decode_record(const Plugin& plugin, const Record& record,
                            const PluginPrints* prints) {
  const PluginInfo info = guarded_call(record.plugin, "a state file record", "reporting its info",
                                       [&] { return plugin.info(); });
  const std::string what =
      "record of plugin '" + record.plugin + "' for " + target_text(record.capability);
  if (record.plugin != info.name) {
    throw EngineError(what + " was given to plugin '" + std::string(info.name) +
                      "'; decode it with plugin '" + record.plugin + "'");
  }
  const RecordCheck check = check_record_layout(
      plugin, info, record.capability, record.schema_version, record.fingerprint, {}, prints);
  if (check.layout == nullptr) {
    throw EngineError(check.refusal);
  }
  const Layout& layout = *check.layout;
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

Record assemble_record(const Plugin& plugin, const Capability& cap, std::uint16_t schema,
                       std::span<const FieldValue> fields, std::span<const DecodedValue> extra) {
  const PluginInfo info = guarded_call("(unnamed)", "an assembled record", "reporting its info",
                                       [&] { return plugin.info(); });
  const std::string what =
      "assembled record of plugin '" + std::string(info.name) + "' for " + target_text(cap);
  const RecordCheck check =
      check_record_layout(plugin, info, cap, schema, std::nullopt, {}, nullptr);
  if (check.layout == nullptr) {
    throw EngineError(check.refusal);
  }
  const Layout& layout = *check.layout;
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
