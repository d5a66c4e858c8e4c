// Migration steps of the pcie plugin between schema 1 (fixed array) and schema 2 (bitmap).
#pragma once

#include <span>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/migration.hpp"
#include "capstate/sdk/named_values.hpp"

namespace capstate::pcie {

/// Schema 1 (seven words, absent stored as 0) to schema 2: every schema-2 field present, because
/// schema 1 cannot tell absent from zero; link_control_aspm from link_control.
NamedValues upgrade_1_to_2(const NamedValues& values, const Capability& capability);

/// Schema 2 back to schema 1: present values kept (absent ones become 0 in schema 1's fixed array),
/// LNKCTL rebuilt from link_control and link_control_aspm.
NamedValues downgrade_2_to_1(const NamedValues& values, const Capability& capability);

/// Both steps, lossless.
std::span<const MigrationStep> migration_steps();

}  // namespace capstate::pcie
