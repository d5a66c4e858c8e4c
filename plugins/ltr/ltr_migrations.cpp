// The ltr plugin's schema steps, on named values (the engine packs the bytes).
#include "ltr_migrations.hpp"

#include <array>

namespace capstate::ltr {
namespace {

constexpr std::array<MigrationStep, 2> kSteps{{
    {.from = 1, .to = 2, .lossy = false, .convert = upgrade_1_to_2},
    {.from = 2, .to = 1, .lossy = false, .convert = downgrade_2_to_1},
}};

}  // namespace

NamedValues upgrade_1_to_2(const NamedValues& values, const Capability& /*capability*/) {
  NamedValues out;
  // The snoop word is the low half of the dword at +0x04, the no-snoop word the high half.
  out.set("max_latencies",
          values.get("max_snoop_latency") | (values.get("max_no_snoop_latency") << 16));
  return out;
}

NamedValues downgrade_2_to_1(const NamedValues& values, const Capability& /*capability*/) {
  NamedValues out;
  const std::uint32_t both = values.get("max_latencies");
  out.set("max_snoop_latency", both & 0xffff);
  out.set("max_no_snoop_latency", both >> 16);
  return out;
}

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

}  // namespace capstate::ltr
