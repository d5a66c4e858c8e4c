// Migration steps of the ltr plugin between schema 1 (two words) and schema 2 (one dword).
#pragma once

#include <span>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/migration.hpp"
#include "capstate/sdk/named_values.hpp"

namespace capstate::ltr {

/// Schema 1 to 2: max_latencies = max_snoop_latency | max_no_snoop_latency << 16.
NamedValues upgrade_1_to_2(const NamedValues& values, const Capability& capability);

/// Schema 2 to 1: the two halves of max_latencies.
NamedValues downgrade_2_to_1(const NamedValues& values, const Capability& capability);

/// Both steps, lossless.
std::span<const MigrationStep> migration_steps();

}  // namespace capstate::ltr
