// Migration steps of the ltr plugin between schema 1 (two words) and schema 2 (one dword).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/migration.hpp"

namespace capstate::ltr {

/// Schema 1 (u16 snoop, u16 no-snoop) to schema 2 (bitmap + u32: snoop low, no-snoop high).
std::vector<std::uint8_t> upgrade_1_to_2(std::span<const std::uint8_t> payload,
                                         const Capability& capability);

/// Schema 2 back to schema 1: the dword split into its two halves.
std::vector<std::uint8_t> downgrade_2_to_1(std::span<const std::uint8_t> payload,
                                           const Capability& capability);

/// Both steps, lossless.
std::span<const MigrationStep> migration_steps();

}  // namespace capstate::ltr
