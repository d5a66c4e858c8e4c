// The interface every capability plugin implements.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capstate/sdk/bar_space.hpp"
#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/claim.hpp"
#include "capstate/sdk/config_space.hpp"
#include "capstate/sdk/layout.hpp"
#include "capstate/sdk/migration.hpp"
#include "capstate/sdk/restore.hpp"

namespace capstate {

/// What a plugin declares about itself; every view must outlive the plugin object.
struct PluginInfo {
  std::string_view name;                     ///< unique name: library, logger and policy key
  std::string_view version;                  ///< the plugin's own release version
  std::string_view summary;                  ///< one line describing what it saves
  std::span<const Claim> claims;             ///< targets it owns, and on which devices
  std::uint16_t current_schema = 0;          ///< schema version it writes
  std::uint16_t oldest_schema = 0;           ///< oldest schema version it can read
  std::uint16_t restore_phase = 0;           ///< restore order among plugins (lower runs first)
  bool needs_bar_access = false;             ///< whether save/restore touch BAR memory
  std::span<const OptionSpec> options = {};  ///< options its restore takes from policy
};

/// What a plugin's own save code may use.
struct SaveContext {
  const Capability& capability;        ///< the capability being saved
  ConfigSpace& config;                 ///< the device's configuration space
  BarSpace* bars;                      ///< BAR memory; null when the source has none
  std::span<const SavedField> fields;  ///< values the engine saved for the current layout
};

/// One named value decoded from plugin-coded bytes, for display and for re-encoding.
struct DecodedValue {
  std::string name;         ///< stable name (e.g. "vector[3].data")
  std::uint64_t value = 0;  ///< the value
  std::uint8_t bits = 32;   ///< width in bits, for display

  friend bool operator==(const DecodedValue&, const DecodedValue&) = default;
};

/// A capability plugin: declares its layouts as data and codes only what data cannot express.
class Plugin {
 public:
  virtual ~Plugin() = default;

  /// Metadata the host checks and dispatches on.
  virtual PluginInfo info() const = 0;
  /// One layout per readable schema version, oldest first, the current one last.
  virtual std::span<const Layout> layouts() const = 0;

  /// Bytes appended after the field values of the current layout; default none.
  virtual std::vector<std::uint8_t> save_extra(const SaveContext& ctx) const {
    (void)ctx;
    return {};
  }
  /// Names and values of the bytes save_extra wrote for `schema`; throws on malformed input.
  virtual std::vector<DecodedValue> decode_extra(std::uint16_t schema,
                                                 std::span<const std::uint8_t> extra) const {
    (void)schema;
    (void)extra;
    return {};
  }
  /// The inverse of decode_extra: bytes for `schema` from named values; throws on bad input.
  virtual std::vector<std::uint8_t> encode_extra(std::uint16_t schema,
                                                 std::span<const DecodedValue> values) const {
    (void)schema;
    (void)values;
    return {};
  }
  /// Builds the restore steps of one target; the default writes the fields that differ, then the
  /// array elements that differ.
  virtual void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
    (void)ctx;
    seq.fields(false);
    seq.arrays(false);
  }
  /// Steps between adjacent schema versions; default none.
  virtual std::span<const MigrationStep> migrations() const { return {}; }
};

}  // namespace capstate
