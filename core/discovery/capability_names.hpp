// Human-readable capability names, read from a data file so core names no capability in code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "capstate/sdk/capability.hpp"
#include "discovery/capability_data.hpp"

namespace capstate::core {

/// A capability-names file could not be read or is malformed; the text names file, line, column.
/// (The error of every capability data file: see capability_data.hpp.)
using CapabilityNamesError = CapabilityDataError;

/// File name of the capability-names table inside a data directory.
inline constexpr const char* kCapabilityNamesFile = "capability-names.toml";

/// Maps capability IDs to names, loaded from a TOML file with [standard] and [extended] tables
/// whose keys are hex IDs ("0x10") and whose values are names.
class CapabilityNames {
 public:
  /// An empty table: every name() is the "unknown ..." text.
  CapabilityNames() = default;

  /// Reads `file`; throws CapabilityNamesError naming the file, line and column on any problem.
  static CapabilityNames load(const std::filesystem::path& file);
  /// Loads the first file found by find_default_file(), or returns an empty table if none exists.
  static CapabilityNames load_default(const std::optional<std::string>& env_data_dir);
  /// The default file: in `env_data_dir` (the value of CAPSTATE_DATA_DIR as the caller read it;
  /// nullopt when unset), then <exe dir>/../share/capstate, then the install data directory;
  /// nullopt if none of them holds capability-names.toml. Reads no environment variable.
  static std::optional<std::filesystem::path> find_default_file(
      const std::optional<std::string>& env_data_dir);

  /// The name of `id`, or "unknown standard capability 0x%02x" / "unknown extended capability
  /// 0x%04x" when the table has none.
  std::string name(CapabilityId id) const;
  /// Whether the table has a name for `id`.
  bool contains(CapabilityId id) const { return names_.count(key(id)) != 0; }
  /// Number of names in the table.
  std::size_t size() const { return names_.size(); }
  /// The file the table was read from; empty for an empty default table.
  const std::filesystem::path& source() const { return source_; }

 private:
  using Key = CapabilityStrings::key_type;
  static Key key(CapabilityId id) { return {id.kind, id.id}; }

  CapabilityStrings names_;
  std::filesystem::path source_;
};

}  // namespace capstate::core
