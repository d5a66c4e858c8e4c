// The generic save engine: device identity, one record per capability, decoding records back.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backends/device_source.hpp"
#include "capstate/sdk/plugin.hpp"
#include "capstate/sdk/record.hpp"
#include "engine/field_codec.hpp"
#include "registry/registry.hpp"
#include "statefile/state_file.hpp"

namespace capstate::core {

/// Thrown when a record cannot be saved, decoded or assembled for a reason the engine finds
/// (schema window, fingerprint, broken plugin metadata); the text names the plugin, the device
/// or record, and what the user can do. Exceptions thrown by plugin code arrive as
/// PluginFailure (registry/plugin_call.hpp); register access errors as AccessError.
class EngineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a plugin failure (a PluginFailure: plugin code threw or returned something malformed)
/// leaves out.
enum class PluginFailureMode {
  abort,       ///< nothing: the failure is thrown and the whole command fails
  device,      ///< the device whose plugin failed; other devices proceed
  capability,  ///< only the capability whose plugin failed; the rest of the device proceeds
};

/// Parses policy `plugin_failure` ("abort", "device", "capability"); nullopt for anything else.
std::optional<PluginFailureMode> parse_plugin_failure_mode(std::string_view text);

/// What save_device does with capabilities it cannot or should not save.
struct SaveOptions {
  bool fail_on_unhandled = false;       ///< throw when a capability has no plugin (else report it)
  std::vector<CapabilityId> skip = {};  ///< capability types never saved, not even reported
  PluginFailureMode on_plugin_failure = PluginFailureMode::abort;  ///< containment of failures
};

/// What save_device met on the way besides the records.
struct SaveReport {
  std::vector<std::string> unhandled = {};  ///< one line per capability without a plugin
  std::vector<std::string> warnings = {};   ///< discovery warnings (broken capability lists)
  /// One line per device or capability left out because its plugin failed (naming the plugin,
  /// the device, what was left out and why).
  std::vector<std::string> left_out = {};
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

/// Reads the IDs of a device: dword 0x00, dword 0x08, byte 0x0e, and dword 0x2c for type 0.
DeviceIdentity read_identity(ConfigSpace& config);

/// Whether a record carrying fingerprint `carried` was written with `layout`, whose fingerprint is
/// `expected`: equal, or equal to the layout's declared earlier_fingerprint.
bool fingerprint_matches(std::uint64_t carried, std::uint64_t expected, const Layout& layout);

/// The fingerprint of `layout` of plugin `plugin`: the one `entry` computed at load time when it
/// holds this very layout (see cached_fingerprint), else layout_fingerprint(); `entry` may be null.
std::uint64_t record_fingerprint(const PluginEntry* entry, std::string_view plugin,
                                 const Layout& layout);

/// The layout of `plugin` for `schema`, or null when the plugin declares none.
const Layout* find_layout(const Plugin& plugin, std::uint16_t schema);

/// Saves one capability with the plugin's current layout (plus its save_extra bytes); plugin
/// exceptions, a missing current layout and malformed or oversized (> 1 MiB) extra bytes become
/// PluginFailure naming the plugin, the device and the capability.
Record save_record(const Plugin& plugin, const Capability& cap, ConfigSpace& config,
                   BarSpace* bars);

/// save_record() with the plugin of a loaded registry entry, whose fingerprints were computed
/// once at load time (what save_device uses); EngineError when the entry holds no plugin. Arrays
/// in BAR memory that cannot be read are saved as not saved, with a line in `warnings`.
Record save_record(const PluginEntry& entry, const Capability& cap, ConfigSpace& config,
                   BarSpace* bars, std::vector<std::string>* warnings = nullptr);

/// Saves every capability of `device` that a plugin in `registry` handles, in discovery order.
/// Unhandled capabilities go to report.unhandled, or throw EngineError when
/// options.fail_on_unhandled; discovery warnings go to report.warnings. With
/// options.on_plugin_failure == capability, a capability whose plugin fails is left out and
/// named in report.left_out; otherwise the failure is thrown.
DeviceSection save_device(Device& device, const Registry& registry, const SaveOptions& options,
                          SaveReport& report);

/// Decodes `record` with the plugin's layout for its schema; refuses a schema outside the
/// plugin's window and a fingerprint that differs from that layout's.
DecodedRecord decode_record(const Plugin& plugin, const Record& record);

/// decode_record() with the plugin of a loaded registry entry and its load-time fingerprints;
/// EngineError when the entry holds no plugin.
DecodedRecord decode_record(const PluginEntry& entry, const Record& record);

/// Builds a record from named values (the inverse of decode_record); unknown or missing names
/// are errors.
Record assemble_record(const Plugin& plugin, const Capability& cap, std::uint16_t schema,
                       std::span<const FieldValue> fields, std::span<const DecodedValue> extra);

}  // namespace capstate::core
