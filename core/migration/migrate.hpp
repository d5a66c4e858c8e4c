// Bringing a record to another schema version of its plugin through the plugin's steps.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "capstate/sdk/record.hpp"
#include "registry/registry.hpp"

namespace capstate::core {

/// Thrown when a record cannot be read or migrated; the text names plugin and versions.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A migrated record and what lossy steps dropped on the way.
struct MigrationResult {
  Record record;                  ///< the record at the target schema version
  std::vector<std::string> lost;  ///< one line per lossy step applied
};

/// Refuses (MigrationError) a record whose schema is outside the plugin's window or whose
/// fingerprint differs from its schema's layout, with the text of check_record_layout
/// (engine/record_check.hpp); `producer` (e.g. "capstate 0.1.0") is named in the message.
void check_record(const Plugin& plugin, const Record& record, std::string_view producer);

/// check_record() with the plugin of a loaded registry entry and the fingerprints it computed at
/// load time; MigrationError when the entry holds no plugin.
void check_record(const PluginEntry& entry, const Record& record, std::string_view producer);

/// Migrates `record` one step at a time to `target` (upwards or downwards). A lossy step is
/// refused unless `allow_lossy`; every step's output is checked against the target layout.
MigrationResult migrate_record(const Plugin& plugin, const Record& record, std::uint16_t target,
                               bool allow_lossy, std::string_view producer);

/// migrate_record() with the plugin of a loaded registry entry and the fingerprints it computed
/// at load time; MigrationError when the entry holds no plugin.
MigrationResult migrate_record(const PluginEntry& entry, const Record& record, std::uint16_t target,
                               bool allow_lossy, std::string_view producer);

}  // namespace capstate::core
