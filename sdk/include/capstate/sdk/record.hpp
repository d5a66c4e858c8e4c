// The saved state of one capability instance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capstate/sdk/capability.hpp"

namespace capstate {

/// One capability's saved state, as stored in a state file.
struct Record {
  Capability capability;              ///< where the state came from
  std::string plugin;                 ///< name of the plugin that wrote it
  std::uint16_t schema_version = 0;   ///< schema version of the payload
  std::uint64_t fingerprint = 0;      ///< fingerprint of that schema version's layout
  std::vector<std::uint8_t> payload;  ///< field values, then any plugin-coded bytes

  friend bool operator==(const Record&, const Record&) = default;
};

}  // namespace capstate
