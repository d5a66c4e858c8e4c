// Records outside a plugin's schema window, or with a fingerprint that differs from their
// schema's layout, are refused before any step runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "migrate_fixture.hpp"

namespace capstate::migratetest {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const Capability kPcieCap{CapKind::standard, 0x10, 0x54, 0};
const Capability kLtrCap{CapKind::extended, 0x0018, 0x148, 1};

TEST(WindowRefusals, NewerThanCurrentNamesPluginVersionsWindowAndProducer) {
  const pcie::PciePlugin p;
  Record r = make_record(p, kPcieCap, 2, {0x01, 0, 0, 0, 0x0f, 0x00});
  r.schema_version = 3;
  EXPECT_THAT(
      [&] { migrate(p, r, 2); },
      ::testing::ThrowsMessage<core::MigrationError>(AllOf(
          HasSubstr(
              "plugin 'pcie' 1.0.0 reads schema versions 1 to 2, but the record "
              "for standard capability 0x10 at 0x054 (written by capstate 0.9.0) has schema 3"),
          HasSubstr("install a newer plugin"))));
}

TEST(WindowRefusals, OlderThanOldestIsRefused) {
  const ltr::LtrPlugin p;
  Record r = make_record(p, kLtrCap, 1, {0x46, 0x08, 0x0f, 0x0c});
  r.schema_version = 0;
  EXPECT_THAT(
      [&] { migrate(p, r, 2); },
      ::testing::ThrowsMessage<core::MigrationError>(AllOf(
          HasSubstr("plugin 'ltr' 1.0.0 reads schema versions 1 to 2, but the record for "
                    "extended capability 0x0018 at 0x148 (written by capstate 0.9.0) has schema 0"),
          HasSubstr("older than this plugin still reads"))));
}

TEST(WindowRefusals, TargetOutsideTheWindowIsRefused) {
  const msix::MsixPlugin p;
  const Record r = make_record(p, Capability{CapKind::standard, 0x11, 0x48, 0}, 1, {0x00, 0x80});
  EXPECT_THAT([&] { migrate(p, r, 3); }, ::testing::ThrowsMessage<core::MigrationError>(HasSubstr(
                                             "plugin 'msix' has no schema 3 (it has 1 to 2)")));
}

TEST(WindowRefusals, FingerprintMismatchIsALayoutChangedWithoutABump) {
  for (std::uint16_t schema : {1, 2}) {
    const ltr::LtrPlugin p;
    Record r = make_record(p, kLtrCap, schema,
                           schema == 1 ? std::vector<std::uint8_t>{0x46, 0x08, 0x0f, 0x0c}
                                       : std::vector<std::uint8_t>{1, 0, 0, 0, 0x46, 0x08, 0, 0});
    r.fingerprint ^= 0x1;
    EXPECT_THAT([&] { migrate(p, r, schema == 1 ? 2 : 1); },
                ::testing::ThrowsMessage<core::MigrationError>(
                    AllOf(HasSubstr("plugin 'ltr' schema " + std::to_string(schema) + ":"),
                          HasSubstr("the layout changed without a version bump"),
                          HasSubstr("written by capstate 0.9.0"))));
  }
}

TEST(WindowRefusals, EveryPluginDeclaresExactlyItsTwoSteps) {
  const pcie::PciePlugin pcie;
  const ltr::LtrPlugin ltr;
  const msix::MsixPlugin msix;
  for (const Plugin* p : std::vector<const Plugin*>{&pcie, &ltr, &msix}) {
    ASSERT_EQ(p->migrations().size(), 2U) << p->info().name;
    EXPECT_EQ(p->migrations()[0].from, 1);
    EXPECT_EQ(p->migrations()[0].to, 2);
    EXPECT_FALSE(p->migrations()[0].lossy);
    EXPECT_EQ(p->migrations()[1].from, 2);
    EXPECT_EQ(p->migrations()[1].to, 1);
    EXPECT_EQ(p->migrations()[1].lossy, p == &msix) << p->info().name;
  }
}

}  // namespace
}  // namespace capstate::migratetest
