// The pcie plugin's schema steps, on named values (the engine packs the bytes).
#include "pcie_migrations.hpp"

#include <array>
#include <string_view>

namespace capstate::pcie {
namespace {

constexpr std::uint32_t kAspmControl = 0x0003;

// The registers both schemas save under the same name.
constexpr std::array<std::string_view, 6> kShared{"device_control",  "link_control",
                                                  "slot_control",    "root_control",
                                                  "device_control2", "link_control2"};

constexpr std::array<MigrationStep, 2> kSteps{{
    {.from = 1, .to = 2, .lossy = false, .convert = upgrade_1_to_2},
    {.from = 2, .to = 1, .lossy = false, .convert = downgrade_2_to_1},
}};

}  // namespace

NamedValues upgrade_1_to_2(const NamedValues& values, const Capability& /*capability*/) {
  NamedValues out;
  for (std::string_view name : kShared) {
    out.set(name, values.get_or(name, 0));
  }
  // Schema 2 restores the ASPM bits of the same register in a later phase.
  out.set("link_control_aspm", values.get_or("link_control", 0));
  return out;
}

NamedValues downgrade_2_to_1(const NamedValues& values, const Capability& /*capability*/) {
  NamedValues out;
  for (std::string_view name : kShared) {
    if (values.has(name)) {
      out.set(name, values.get(name));
    }
  }
  // LNKCTL: ASPM control from link_control_aspm, the rest from link_control (either stands in for
  // the other when only one is present; both were read from the same register when saved).
  if (values.has("link_control") || values.has("link_control_aspm")) {
    const std::uint32_t base = values.get_or("link_control", values.get_or("link_control_aspm", 0));
    const std::uint32_t aspm = values.get_or("link_control_aspm", base);
    out.set("link_control", (base & ~kAspmControl) | (aspm & kAspmControl));
  }
  return out;
}

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

}  // namespace capstate::pcie
