// Migration steps between a plugin's schema versions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "capstate/sdk/capability.hpp"

namespace capstate {

/// A pure function turning a payload of one schema version into the next (or previous) one.
using MigrateFn = std::vector<std::uint8_t> (*)(std::span<const std::uint8_t> payload,
                                                const Capability& capability);

/// One step between adjacent schema versions, declared by the plugin.
struct MigrationStep {
  std::uint16_t from = 0;       ///< schema version the step reads
  std::uint16_t to = 0;         ///< schema version it writes (from + 1 or from - 1)
  bool lossy = false;           ///< whether information is dropped
  std::string_view loses = {};  ///< what is dropped when lossy (shown to the user)
  MigrateFn apply = nullptr;    ///< the conversion; throws on malformed input
};

}  // namespace capstate
