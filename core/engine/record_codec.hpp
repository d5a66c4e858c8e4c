// One record with its plugin: saving a capability, decoding a record, assembling one from values.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "capstate/sdk/record.hpp"
#include "engine/field_codec.hpp"
#include "engine/fingerprints.hpp"
#include "engine/record_check.hpp"

namespace capstate::core {

/// Thrown when a record cannot be saved, decoded or assembled for a reason the engine finds
/// (schema window, fingerprint, broken plugin metadata); the text names the plugin, the device
/// or record, and what the user can do. Exceptions thrown by plugin code arrive as
/// PluginFailure (engine/plugin_call.hpp); register access errors as AccessError.
class EngineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A record decoded with its plugin's layout.
struct DecodedRecord {
  std::string plugin;                ///< plugin that wrote it
  std::uint16_t schema_version = 0;  ///< schema of the payload
  std::vector<FieldValue> fields;    ///< one per layout field, in layout order
  std::vector<ArrayValues> arrays;   ///< one per layout array, in layout order
  /// The arrays as named values (array_named_values), then the plugin-decoded extra bytes.
  std::vector<DecodedValue> extra;
};

/// Saves one capability with the plugin's current layout (plus its save_extra bytes); plugin
/// exceptions, a missing current layout and malformed or oversized (> 1 MiB) extra bytes become
/// PluginFailure naming the plugin, the device and the capability. Arrays in BAR memory that
/// cannot be read are saved as not saved, with a line in `warnings` (when not null). `prints`
/// (may be null) supplies the fingerprints computed when the plugin was loaded.
Record save_record(const Plugin& plugin, const Capability& cap, ConfigSpace& config, BarSpace* bars,
                   std::vector<std::string>* warnings = nullptr,
                   const PluginPrints* prints = nullptr);

/// Decodes `record` with the plugin's layout for its schema; refuses (EngineError) a record of
/// another plugin, and what check_record_layout refuses: a schema outside the plugin's window and
/// a fingerprint that differs from that layout's. `prints` as for save_record.
DecodedRecord decode_record(const Plugin& plugin, const Record& record,
                            const PluginPrints* prints = nullptr);

/// Builds a record from named values (the inverse of decode_record); unknown or missing names
/// are errors.
Record assemble_record(const Plugin& plugin, const Capability& cap, std::uint16_t schema,
                       std::span<const FieldValue> fields, std::span<const DecodedValue> extra);

}  // namespace capstate::core
