// Migration steps of the pcie plugin between schema 1 (fixed array) and schema 2 (bitmap).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/migration.hpp"

namespace capstate::pcie {

/// Schema 1 (seven words, absent stored as 0) to schema 2 (bitmap + present values); every
/// schema-2 field is marked present because schema 1 cannot tell absent from zero.
std::vector<std::uint8_t> upgrade_1_to_2(std::span<const std::uint8_t> payload,
                                         const Capability& capability);

/// Schema 2 back to schema 1: present values into the fixed array, absent ones and SLTCTL2 as 0,
/// LNKCTL rebuilt from link_control and link_control_aspm.
std::vector<std::uint8_t> downgrade_2_to_1(std::span<const std::uint8_t> payload,
                                           const Capability& capability);

/// Both steps, lossless.
std::span<const MigrationStep> migration_steps();

}  // namespace capstate::pcie
