// Records migrated to the running plugin's schema before planning, and migrate_record's rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "engine/layout_text.hpp"
#include "migration/migrate.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "test_plugins.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr Capability kMig{.kind = CapKind::standard, .id = 0x0c, .offset = kMigCap};

/// A schema 1 record of the mig plugin holding `control`.
Record schema1_record(std::uint32_t control) {
  return Record{
      .capability = kMig,
      .plugin = "mig",
      .schema_version = 1,
      .fingerprint = core::layout_fingerprint("mig", MigPlugin::kLayouts[0]),
      .payload = {static_cast<std::uint8_t>(control), static_cast<std::uint8_t>(control >> 8),
                  static_cast<std::uint8_t>(control >> 16),
                  static_cast<std::uint8_t>(control >> 24)},
      .claim = ""};
}

/// The endpoint's section as an older release saved it: one schema 1 record.
DeviceSection old_section(std::uint32_t control) {
  const Registry registry = Registry::from_plugins({std::make_shared<MigPlugin>()});
  DeviceSection section = save_image(endpoint_image(0, 0, 0), {}, registry, kEndpoint);
  section.records = {schema1_record(control)};
  return section;
}

TEST(RestoreMigration, Schema1RecordIsMigratedBeforePlanningAndRestored) {
  const Registry registry = Registry::from_plugins({std::make_shared<MigPlugin>()});
  ModelSource source;
  add_device(source, kEndpoint, endpoint_image(0, 0x00000000, 0x2), {});
  Device device = source.open(kEndpoint);
  const DevicePlan plan = core::plan_restore(device, old_section(0x000500a5), registry, {});
  EXPECT_THAT(plan.notes,
              ElementsAre("0000:03:00.0: plugin 'mig' record migrated from schema 1 to 2"));
  ASSERT_EQ(plan.writes.size(), 2U);  // mode was not in schema 1: absent, never written
  EXPECT_EQ(plan.writes[0].name, "control_lo");
  EXPECT_EQ(plan.writes[0].offset, kMigCap + 4U);
  EXPECT_EQ(plan.writes[0].value, 0x00a5U);
  EXPECT_EQ(plan.writes[1].name, "control_hi");
  EXPECT_EQ(plan.writes[1].offset, kMigCap + 6U);
  EXPECT_EQ(plan.writes[1].value, 0x0005U);
  const core::ApplyResult result = core::apply_plan(device, plan, true);
  EXPECT_THAT(result.mismatches, IsEmpty());
  EXPECT_EQ(value_at(source.bytes(kEndpoint), kMigCap + 4, Width::dword), 0x000500a5U);
  EXPECT_EQ(value_at(source.bytes(kEndpoint), kMigCap + 8, Width::byte), 0x02U);
  EXPECT_EQ(source.counts(kEndpoint).writes[1], 2U);
}

TEST(RestoreMigration, UpgradeStepIsLosslessAndChecked) {
  const MigPlugin plugin;
  const core::MigrationResult up =
      core::migrate_record(plugin, schema1_record(0x000f00ff), 2, false, "capstate 0.1.0");
  EXPECT_EQ(up.record.schema_version, 2U);
  EXPECT_EQ(up.record.fingerprint, core::layout_fingerprint("mig", MigPlugin::kLayouts[1]));
  EXPECT_EQ(up.record.payload,
            (std::vector<std::uint8_t>{0x03, 0x00, 0x00, 0x00, 0xff, 0x00, 0x0f, 0x00}));
  EXPECT_THAT(up.lost, IsEmpty());
  EXPECT_EQ(up.record.capability, kMig);
  EXPECT_EQ(up.record.plugin, "mig");
}

TEST(RestoreMigration, LossyDowngradeIsRefusedWithoutPermission) {
  const MigPlugin plugin;
  const Registry registry = Registry::from_plugins({std::make_shared<MigPlugin>()});
  const DeviceSection saved =
      save_image(endpoint_image(0, 0x000500a5, 0x3), {}, registry, kEndpoint);
  ASSERT_EQ(saved.records.size(), 1U);
  const Record& current = saved.records[0];
  EXPECT_EQ(current.schema_version, 2U);
  EXPECT_THAT([&] { (void)core::migrate_record(plugin, current, 1, false, "capstate 0.1.0"); },
              ::testing::ThrowsMessage<core::MigrationError>(
                  "plugin 'mig': going from schema 2 to 1 loses the mode register (byte 0x08); "
                  "allow it with --allow-lossy (or policy lossy_downgrade = \"allow\")"));
  const core::MigrationResult down =
      core::migrate_record(plugin, current, 1, true, "capstate 0.1.0");
  EXPECT_EQ(down.record.schema_version, 1U);
  EXPECT_EQ(down.record.fingerprint, core::layout_fingerprint("mig", MigPlugin::kLayouts[0]));
  EXPECT_EQ(down.record.payload, (std::vector<std::uint8_t>{0xa5, 0x00, 0x05, 0x00}));
  EXPECT_THAT(down.lost, ElementsAre("plugin 'mig' schema 2 -> 1: the mode register (byte 0x08)"));
  // Back up again: the control value survives, the mode does not.
  const core::MigrationResult again =
      core::migrate_record(plugin, down.record, 2, false, "capstate 0.1.0");
  EXPECT_EQ(again.record.payload,
            (std::vector<std::uint8_t>{0x03, 0x00, 0x00, 0x00, 0xa5, 0x00, 0x05, 0x00}));
}

TEST(RestoreMigration, TargetOutsideThePluginsSchemasIsRefused) {
  const MigPlugin plugin;
  EXPECT_THAT([&] { (void)core::migrate_record(plugin, schema1_record(0), 3, true, "x"); },
              ::testing::ThrowsMessage<core::MigrationError>(
                  "plugin 'mig' has no schema 3 (it has 1 to 2)"));
}

TEST(RestoreMigration, StepWhosePayloadDoesNotFitTheTargetLayoutIsRefused) {
  const MigPlugin broken(true);
  EXPECT_THAT(
      [&] { (void)core::migrate_record(broken, schema1_record(0x000500a5), 2, false, "x"); },
      ::testing::ThrowsMessage<core::MigrationError>(
          AllOf(HasSubstr("plugin 'mig' step 1 -> 2 produced a payload that does not fit schema "
                          "2: "),
                HasSubstr("payload of 8 bytes ends inside field 'mode'"))));
  // Through a restore: refused, and nothing is written.
  const Registry registry = Registry::from_plugins({std::make_shared<MigPlugin>(true)});
  ModelSource source;
  add_device(source, kEndpoint, endpoint_image(0, 0, 0), {});
  Device device = source.open(kEndpoint);
  EXPECT_THAT([&] { (void)core::plan_restore(device, old_section(0x000500a5), registry, {}); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  AllOf(HasSubstr("0000:03:00.0: standard capability 0x0c at 0x060: plugin 'mig' "
                                  "step 1 -> 2 produced a payload"),
                        HasSubstr("nothing was written"))));
  EXPECT_EQ(source.counts(kEndpoint).total_writes(), 0U);
}

TEST(RestoreMigration, StepThatThrowsIsRefusedWithItsReason) {
  const MigPlugin plugin;
  Record shortened = schema1_record(0);
  shortened.payload.pop_back();
  // The record no longer fits schema 1 itself; the step's own check names the byte count.
  EXPECT_THAT([&] { (void)core::migrate_record(plugin, shortened, 2, false, "x"); },
              ::testing::ThrowsMessage<core::MigrationError>(
                  HasSubstr("plugin 'mig' step 1 -> 2 failed: schema 1 payload has 3 bytes, "
                            "expected 4")));
}

}  // namespace
}  // namespace capstate::restoretest
