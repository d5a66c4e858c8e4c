// The msix plugin's schema steps, on named values (the engine packs the bytes).
#include "msix_migrations.hpp"

#include <array>

#include "msix_layout.hpp"

namespace capstate::msix {
namespace {

constexpr std::array<MigrationStep, 2> kSteps{{
    {.from = 1, .to = 2, .lossy = false, .convert = upgrade_1_to_2},
    {.from = 2, .to = 1, .lossy = true, .loses = kDowngradeLoses, .convert = downgrade_2_to_1},
}};

}  // namespace

NamedValues upgrade_1_to_2(const NamedValues& values, const Capability& /*capability*/) {
  const std::uint32_t control = values.get("message_control");
  NamedValues out;
  out.set("message_control", control);
  // Nothing was known about the table: its location stays absent and no entry is invented.
  out.set("table_saved", 0);
  out.set("entries", (control & kTableSizeMask) + 1);
  return out;
}

NamedValues downgrade_2_to_1(const NamedValues& values, const Capability& /*capability*/) {
  NamedValues out;
  out.set("message_control", values.get("message_control"));
  return out;
}

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

}  // namespace capstate::msix
