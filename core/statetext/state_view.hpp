// A state file with every record decoded by its plugin: what inspect prints and assemble reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "engine/field_codec.hpp"
#include "registry/registry.hpp"
#include "statefile/state_file.hpp"
#include "statetext/state_text_error.hpp"

namespace capstate::core {

/// A record plus its decoded values, or the raw payload when it cannot be decoded.
struct RecordView {
  Record record;                    ///< the record as stored (payload kept for raw output)
  bool decoded = false;             ///< whether fields/extra hold the decoded payload
  std::vector<FieldValue> fields;   ///< fields in layout order (absent ones marked so)
  std::vector<DecodedValue> extra;  ///< plugin-coded values
  std::string decode_error;         ///< why it could not be decoded (empty when decoded)
  TextLocation origin;  ///< where the record is in the text it was read from (file "" if none)
};

/// A device section with decoded records.
struct DeviceView {
  PciAddress address;               ///< where it was saved from
  DeviceIdentity identity;          ///< its IDs
  std::vector<RecordView> records;  ///< decoded records
};

/// A whole state file, decoded.
struct StateView {
  Envelope envelope;                ///< producer and time
  std::vector<DeviceView> devices;  ///< devices in file order
};

/// Decodes every record with the plugin that wrote it (raw payload where none can).
StateView view_state(const StateFile& file, const Registry& registry);

/// Turns a view back into a state file: decoded records are re-encoded by their plugins,
/// raw ones are taken as they are. Throws StateTextError naming the device and record when a
/// record cannot be encoded (no plugin, values its plugin refuses, a stale fingerprint).
StateFile unview_state(const StateView& view, const Registry& registry);

}  // namespace capstate::core
