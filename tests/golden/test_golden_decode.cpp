// Every golden file decodes with the current build, every record migrates to its plugin's
// current schema without permission, and every fingerprint equals the current layout's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "engine/layout_text.hpp"
#include "engine/record_codec.hpp"
#include "golden_fixture.hpp"
#include "migration/migrate.hpp"

namespace capstate::goldentest {
namespace {

TEST(GoldenDecode, EveryRecordDecodesAndMigratesToTheCurrentSchema) {
  const core::Registry registry = shipped();
  for (const std::string& name : kGoldenFiles) {
    const core::StateFile file = read_golden(name);
    ASSERT_FALSE(file.devices.empty()) << name;
    for (const core::DeviceSection& section : file.devices) {
      for (const Record& record : section.records) {
        const core::PluginEntry* entry = registry.find(record.plugin);
        ASSERT_NE(entry, nullptr) << name << ": " << record.plugin;
        const Plugin& plugin = *entry->plugin;
        EXPECT_NO_THROW(core::decode_record(plugin, record)) << name << " " << record.plugin;
        const core::MigrationResult m = core::migrate_record(
            plugin, record, plugin.info().current_schema, false, "golden " + name);
        EXPECT_EQ(m.record.schema_version, 2) << name;
        EXPECT_TRUE(m.lost.empty()) << name;
        EXPECT_NO_THROW(core::decode_record(plugin, m.record)) << name << " " << record.plugin;
      }
    }
  }
}

TEST(GoldenDecode, FingerprintsEqualTheCurrentLayouts) {
  const core::Registry registry = shipped();
  for (const std::string& name : kGoldenFiles) {
    for (const core::DeviceSection& section : read_golden(name).devices) {
      for (const Record& record : section.records) {
        const Plugin& plugin = *registry.find(record.plugin)->plugin;
        const Layout* layout = core::find_layout(plugin, record.schema_version);
        ASSERT_NE(layout, nullptr) << name << " " << record.plugin;
        // The layout's own fingerprint, or the one it declares it had before it was re-expressed
        // as data with the same bytes (msix schema 2: the vector table became an array).
        EXPECT_TRUE(core::fingerprint_matches(
            record.fingerprint, core::layout_fingerprint(record.plugin, *layout), *layout))
            << name << ": plugin '" << record.plugin << "' schema " << record.schema_version
            << " changed its layout without a version bump";
      }
    }
  }
}

TEST(GoldenDecode, EverySchemaOfEveryPluginHasAGoldenFile) {
  std::set<std::pair<std::string, int>> seen;
  for (const std::string& name : kGoldenFiles) {
    for (const core::DeviceSection& section : read_golden(name).devices) {
      for (const Record& record : section.records) {
        seen.emplace(record.plugin, record.schema_version);
      }
    }
  }
  EXPECT_EQ(seen, (std::set<std::pair<std::string, int>>{
                      {"ltr", 1}, {"ltr", 2}, {"msix", 1}, {"msix", 2}, {"pcie", 1}, {"pcie", 2}}));
}

TEST(GoldenDecode, FilesHoldTheSchemasTheirNamesSay) {
  for (const std::string& name : kGoldenFiles) {
    const int expected = name.rfind("v1-", 0) == 0 ? 1 : 2;
    for (const core::DeviceSection& section : read_golden(name).devices) {
      for (const Record& record : section.records) {
        EXPECT_EQ(record.schema_version, expected) << name << " " << record.plugin;
      }
    }
  }
}

TEST(GoldenDecode, TheMsixTableFileCarriesASavedTable) {
  const core::Registry registry = shipped();
  const core::StateFile file = read_golden("v2-msix-table.cst");
  ASSERT_EQ(file.devices.size(), 1U);
  ASSERT_EQ(file.devices[0].records.size(), 1U);
  const core::DecodedRecord d =
      core::decode_record(*registry.find("msix")->plugin, file.devices[0].records[0]);
  ASSERT_GE(d.extra.size(), 2U);
  EXPECT_EQ(d.extra[0], (DecodedValue{"table_saved", 1, 8}));
  EXPECT_EQ(d.extra[1], (DecodedValue{"entries", 1, 16}));
}

}  // namespace
}  // namespace capstate::goldentest
