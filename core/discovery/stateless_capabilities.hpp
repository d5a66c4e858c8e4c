// The capabilities that hold no state to save and restore, each with the reason, read from a data
// file so core names no capability in code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "capstate/sdk/capability.hpp"
#include "discovery/capability_data.hpp"

namespace capstate::core {

/// File name of the stateless-capabilities table inside a data directory.
inline constexpr const char* kStatelessCapabilitiesFile = "capability-stateless.toml";

/// Maps capability IDs to the reason they hold no restorable state, loaded from a TOML file with
/// [standard] and [extended] tables whose keys are hex IDs ("0x03") and whose values are reasons.
/// A capability a plugin takes is the plugin's, whatever this table says.
class StatelessCapabilities {
 public:
  /// An empty table: nothing is marked.
  StatelessCapabilities() = default;

  /// Reads `file`; throws CapabilityDataError naming the file, line and column on any problem.
  static StatelessCapabilities load(const std::filesystem::path& file);
  /// Loads the first file found by find_default_file(), or returns an empty table if none exists.
  static StatelessCapabilities load_default(const std::optional<std::string>& env_data_dir);
  /// The default file, looked up as capability-names.toml is (find_capability_data_file).
  static std::optional<std::filesystem::path> find_default_file(
      const std::optional<std::string>& env_data_dir);

  /// Why `id` holds no restorable state; nullptr when the table does not mark it.
  const std::string* reason(CapabilityId id) const {
    const auto it = reasons_.find({id.kind, id.id});
    return it == reasons_.end() ? nullptr : &it->second;
  }
  /// Number of marked capabilities.
  std::size_t size() const { return reasons_.size(); }
  /// The file the table was read from; empty for an empty default table.
  const std::filesystem::path& source() const { return source_; }

 private:
  CapabilityStrings reasons_;
  std::filesystem::path source_;
};

}  // namespace capstate::core
