// Helpers of the migration matrix tests: the shipped plugins, hand-made records and their fields.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/layout_text.hpp"
#include "engine/record_codec.hpp"
#include "ltr_plugin.hpp"
#include "migration/migrate.hpp"
#include "msix_plugin.hpp"
#include "pcie_plugin.hpp"

namespace capstate::migratetest {

/// Producer named in refusals.
inline constexpr const char* kProducer = "capstate 0.9.0";

/// A record of `plugin` at `schema` with `payload` and that schema's true fingerprint.
inline Record make_record(const Plugin& plugin, const Capability& cap, std::uint16_t schema,
                          std::vector<std::uint8_t> payload) {
  Record r;
  r.capability = cap;
  r.plugin = std::string(plugin.info().name);
  r.schema_version = schema;
  const Layout* layout = core::find_layout(plugin, schema);
  r.fingerprint = layout == nullptr ? 0 : core::layout_fingerprint(r.plugin, *layout);
  r.payload = std::move(payload);
  return r;
}

/// (name, value, present) of every decoded field, for exact comparisons.
inline std::vector<std::tuple<std::string, std::uint32_t, bool>> fields_of(const Plugin& plugin,
                                                                           const Record& r) {
  std::vector<std::tuple<std::string, std::uint32_t, bool>> out;
  for (const core::FieldValue& f : core::decode_record(plugin, r).fields) {
    out.emplace_back(f.name, f.value, f.present);
  }
  return out;
}

/// (name, value) of every decoded extra value.
inline std::vector<std::pair<std::string, std::uint64_t>> extra_of(const Plugin& plugin,
                                                                   const Record& r) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const DecodedValue& v : core::decode_record(plugin, r).extra) {
    out.emplace_back(v.name, v.value);
  }
  return out;
}

/// migrate_record with the test producer. The registry-entry overload (fingerprints computed at
/// load time) is run too and must give the same record and losses, or the same error text.
inline core::MigrationResult migrate(const Plugin& plugin, const Record& r, std::uint16_t target,
                                     bool allow_lossy = false) {
  const core::Registry registry =
      core::Registry::from_plugins({std::shared_ptr<const Plugin>(&plugin, [](const Plugin*) {})});
  const core::PluginEntry* entry = registry.find(plugin.info().name);
  std::optional<core::MigrationResult> cached;
  std::string cached_error = "(no registry entry)";
  if (entry == nullptr) {
    ADD_FAILURE() << "plugin '" << plugin.info().name << "' did not load";
  } else {
    try {
      cached = core::migrate_record(*entry, r, target, allow_lossy, kProducer);
    } catch (const core::MigrationError& e) {
      cached_error = e.what();
    }
  }
  try {
    core::MigrationResult direct = core::migrate_record(plugin, r, target, allow_lossy, kProducer);
    EXPECT_TRUE(cached.has_value()) << "entry overload failed: " << cached_error;
    if (cached) {
      EXPECT_EQ(cached->record, direct.record);
      EXPECT_EQ(cached->lost, direct.lost);
    }
    return direct;
  } catch (const core::MigrationError& e) {
    EXPECT_FALSE(cached.has_value()) << "entry overload succeeded where the plugin one failed";
    EXPECT_EQ(cached_error, std::string(e.what()));
    throw;
  }
}

}  // namespace capstate::migratetest
