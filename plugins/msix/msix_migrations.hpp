// Migration steps of the msix plugin between schema 1 (Message Control) and schema 2 (+ table).
#pragma once

#include <span>
#include <string_view>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/migration.hpp"
#include "capstate/sdk/named_values.hpp"

namespace capstate::msix {

/// What the 2 -> 1 step drops, as shown to the user.
inline constexpr std::string_view kDowngradeLoses = "the MSI-X vector table and its location";

/// Schema 1 to schema 2: message_control kept, table_location absent, no table saved
/// (table_saved 0, entries from the Table Size bits).
NamedValues upgrade_1_to_2(const NamedValues& values, const Capability& capability);

/// Schema 2 to schema 1: message_control only; table_location and the table dropped.
NamedValues downgrade_2_to_1(const NamedValues& values, const Capability& capability);

/// The lossless 1 -> 2 step and the lossy 2 -> 1 step.
std::span<const MigrationStep> migration_steps();

}  // namespace capstate::msix
