// The saved state of one target (capability instance, header or region).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capstate/sdk/capability.hpp"

namespace capstate {

/// One target's saved state, as stored in a state file.
struct Record {
  Capability capability;              ///< where the state came from
  std::string plugin;                 ///< name of the plugin that wrote it
  std::uint16_t schema_version = 0;   ///< schema version of the payload
  std::uint64_t fingerprint = 0;      ///< fingerprint of that schema version's layout
  std::vector<std::uint8_t> payload;  ///< field values, arrays, then any plugin-coded bytes
  /// What the plugin's claim matched when the record was saved (e.g. "vendor 0x8086, +0x04 ==
  /// 0x23"); empty for a generic claim and in files of envelope version 1.
  std::string claim;

  friend bool operator==(const Record&, const Record&) = default;
};

}  // namespace capstate
