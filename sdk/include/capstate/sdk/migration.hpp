// Migration steps between a plugin's schema versions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/named_values.hpp"

namespace capstate {

/// A pure function turning a payload of one schema version into the next (or previous) one; for
/// plugin-coded bytes that names cannot express. Prefer ConvertFn.
using MigrateFn = std::vector<std::uint8_t> (*)(std::span<const std::uint8_t> payload,
                                                const Capability& capability);

/// A pure function turning the named values of a record of one schema version into those of the
/// next (or previous) one; the engine decodes and packs the bytes. Throws on values it cannot
/// convert.
using ConvertFn = NamedValues (*)(const NamedValues& values, const Capability& capability);

/// One step between adjacent schema versions, declared by the plugin.
struct MigrationStep {
  std::uint16_t from = 0;       ///< schema version the step reads
  std::uint16_t to = 0;         ///< schema version it writes (from + 1 or from - 1)
  bool lossy = false;           ///< whether information is dropped
  std::string_view loses = {};  ///< what is dropped when lossy (shown to the user)
  MigrateFn apply = nullptr;    ///< the conversion on bytes; null when `convert` is given
  ConvertFn convert = nullptr;  ///< the conversion on named values (preferred); or null
};

}  // namespace capstate
