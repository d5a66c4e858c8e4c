#include "migration/migrate.hpp"

#include <fmt/format.h>

#include "engine/field_codec.hpp"
#include "engine/record_check.hpp"
#include "registry/registry.hpp"

namespace capstate::core {
namespace {

const MigrationStep* find_step(const Plugin& plugin, std::uint16_t from, std::uint16_t to) {
  for (const MigrationStep& step : plugin.migrations()) {
    if (step.from == from && step.to == to) {
      return &step;
    }
  }
  return nullptr;
}

const Plugin& plugin_of(const PluginEntry& entry) {
  if (!entry.plugin) {
    throw MigrationError(fmt::format("plugin '{}' ({}) is not loaded: {}", entry.name,
                                     entry.file.string(), entry.reason));
  }
  return *entry.plugin;
}

// The schema window and fingerprint checks of the engine (check_record_layout), as MigrationError.
void check_record_with(const Plugin& plugin, const PluginPrints* prints, const Record& record,
                       std::string_view producer) {
  const PluginInfo info = plugin.info();
  const RecordCheck check = check_record_layout(
      plugin, info, record.capability, record.schema_version, record.fingerprint, producer, prints);
  if (check.layout == nullptr) {
    throw MigrationError(check.refusal);
  }
}

MigrationResult migrate_record_with(const Plugin& plugin, const PluginPrints* prints,
                                    const Record& record, std::uint16_t target, bool allow_lossy,
                                    std::string_view producer) {
  check_record_with(plugin, prints, record, producer);
  const PluginInfo info = plugin.info();
  if (target < info.oldest_schema || target > info.current_schema) {
    throw MigrationError(fmt::format("plugin '{}' has no schema {} (it has {} to {})", info.name,
                                     target, info.oldest_schema, info.current_schema));
  }
  MigrationResult result{record, {}};
  Record& rec = result.record;
  while (rec.schema_version != target) {
    const std::uint16_t next =
        rec.schema_version < target ? rec.schema_version + 1 : rec.schema_version - 1;
    const MigrationStep* step = find_step(plugin, rec.schema_version, next);
    if (step == nullptr || (step->apply == nullptr && step->convert == nullptr)) {
      throw MigrationError(
          fmt::format("plugin '{}' declares no migration step from schema {} to {}", info.name,
                      rec.schema_version, next));
    }
    if (step->lossy && !allow_lossy) {
      throw MigrationError(fmt::format(
          "plugin '{}': going from schema {} to {} loses {}; allow it with --allow-lossy "
          "(or policy lossy_downgrade = \"allow\")",
          info.name, rec.schema_version, next, step->loses));
    }
    const Layout* layout = find_layout(plugin, next);
    if (layout == nullptr) {
      throw MigrationError(
          fmt::format("plugin '{}' declares no layout for schema {}", info.name, next));
    }
    std::vector<std::uint8_t> payload;
    try {
      if (step->convert != nullptr) {
        // Named values in, named values out: the engine decodes and packs the bytes.
        const Layout* from = find_layout(plugin, rec.schema_version);
        const NamedValues converted =
            step->convert(to_named_values(info.name, *from, rec.payload), rec.capability);
        payload = from_named_values(info.name, *layout, converted);
      } else {
        payload = step->apply(rec.payload, rec.capability);
      }
    } catch (const std::exception& e) {
      throw MigrationError(fmt::format("plugin '{}' step {} -> {} failed: {}", info.name,
                                       rec.schema_version, next, e.what()));
    }
    try {
      check_payload(info.name, *layout, payload);  // a buggy step is caught here
    } catch (const PayloadError& e) {
      throw MigrationError(fmt::format(
          "plugin '{}' step {} -> {} produced a payload that does not fit schema {}: {}; the "
          "plugin's migration step is broken, report it to the plugin's authors",
          info.name, rec.schema_version, next, next, e.what()));
    }
    if (step->lossy) {
      result.lost.push_back(fmt::format("plugin '{}' schema {} -> {}: {}", info.name,
                                        rec.schema_version, next, step->loses));
    }
    rec.payload = std::move(payload);
    rec.schema_version = next;
    rec.fingerprint = record_fingerprint(prints, info.name, *layout);
  }
  return result;
}

}  // namespace

void check_record(const Plugin& plugin, const Record& record, std::string_view producer) {
  check_record_with(plugin, nullptr, record, producer);
}

void check_record(const PluginEntry& entry, const Record& record, std::string_view producer) {
  const PluginPrints prints = prints_of(entry);
  check_record_with(plugin_of(entry), &prints, record, producer);
}

MigrationResult migrate_record(const Plugin& plugin, const Record& record, std::uint16_t target,
                               bool allow_lossy, std::string_view producer) {
  return migrate_record_with(plugin, nullptr, record, target, allow_lossy, producer);
}

MigrationResult migrate_record(const PluginEntry& entry, const Record& record, std::uint16_t target,
                               bool allow_lossy, std::string_view producer) {
  const PluginPrints prints = prints_of(entry);
  return migrate_record_with(plugin_of(entry), &prints, record, target, allow_lossy, producer);
}

}  // namespace capstate::core
