// capstate migrate: rewrite a state file's records at other schema versions (e.g. for a rollback).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"
#include "migration/migrate.hpp"
#include "statefile/codec.hpp"
#include "util/atomic_file.hpp"
#include "util/file_lock.hpp"
#include "util/file_read.hpp"
#include "util/version.hpp"

namespace capstate::cli {
namespace {

// "pcie=1,ltr=1" (or repeated --to) -> {pcie: 1, ltr: 1}.
std::map<std::string, std::uint16_t> parse_targets(const std::vector<std::string>& specs) {
  std::map<std::string, std::uint16_t> out;
  for (const std::string& spec : specs) {
    std::size_t start = 0;
    while (start <= spec.size()) {
      const std::size_t comma = spec.find(',', start);
      const std::string item =
          spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const std::size_t eq = item.find('=');
      unsigned long version = 0;
      std::size_t used = 0;
      try {
        version = eq == std::string::npos ? 0 : std::stoul(item.substr(eq + 1), &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (eq == 0 || eq == std::string::npos || used == 0 || used != item.size() - eq - 1 ||
          version == 0 || version > 0xffff) {
        throw CLI::ValidationError("--to", "'" + item +
                                               "' is not PLUGIN=VERSION (e.g. pcie=1); "
                                               "separate several with commas");
      }
      out[item.substr(0, eq)] = static_cast<std::uint16_t>(version);
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace

Verb add_migrate_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand(
      "migrate", "Write a copy of a state file with records at other schema versions");
  struct Args {
    std::string input, output;
    std::vector<std::string> to;
    bool allow_lossy = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FILE", a->input, "State file to read")->required()->type_name("FILE");
  cmd->add_option("--to", a->to, "Target versions, PLUGIN=VERSION[,PLUGIN=VERSION...]")
      ->required()
      ->type_name("PLUGIN=VER");
  cmd->add_option("-o,--output", a->output, "State file to write (replaced atomically)")
      ->required()
      ->type_name("FILE");
  cmd->add_flag("--allow-lossy", a->allow_lossy, "Allow steps that drop data (e.g. a downgrade)");
  return {
      cmd, [a, &globals](const core::Policy& policy) {
        const std::map<std::string, std::uint16_t> targets = parse_targets(a->to);
        // Held until after the rename: no other capstate writes this file meanwhile.
        const core::FileLock lock = core::lock_file_for_writing(a->output);
        core::StateFile file = core::decode_state(
            core::read_file_bounded(a->input, core::kMaxStateFileBytes), a->input);
        const core::Registry registry = load_registry(globals, policy);
        for (const auto& [name, version] : targets) {
          if (registry.find(name) == nullptr) {
            throw CliError(
                ErrorKind::plugin,
                fmt::format("--to names plugin '{}', which is not loaded; see 'capstate plugins'",
                            name),
                {{"plugin", name}});
          }
        }
        const std::string producer =
            file.envelope.producer_name + " " + file.envelope.producer_version;
        std::size_t changed = 0;
        std::vector<std::string> lost;
        for (core::DeviceSection& section : file.devices) {
          // Policy lossy_downgrade = "allow" (for this device) acts like --allow-lossy.
          const bool allow_lossy =
              a->allow_lossy || core::effective(policy, section.address, section.identity.vendor_id,
                                                section.identity.device_id)
                                        .lossy_downgrade.value == "allow";
          for (Record& record : section.records) {
            const auto target = targets.find(record.plugin);
            if (target == targets.end() || record.schema_version == target->second) {
              continue;
            }
            const core::PluginEntry* entry = registry.find(record.plugin);
            core::MigrationResult result;
            try {
              result = core::migrate_record(*entry, record, target->second, allow_lossy, producer);
            } catch (const std::exception& e) {
              ErrorReport inner = describe_error(e);  // keeps the kind and fields
              inner.fields["device"] = section.address.str();
              throw CliError(
                  inner.kind,
                  fmt::format("{}: {}; nothing was written", section.address.str(), e.what()),
                  inner.fields);
            }
            for (const std::string& l : result.lost) {
              lost.push_back(section.address.str() + ": " + l);
            }
            record = std::move(result.record);
            ++changed;
          }
        }
        // The copy is written by this capstate; when and where the state was saved stay.
        file.envelope.producer_name = std::string(core::kProducerName);
        file.envelope.producer_version = std::string(core::producer_version());
        const std::vector<std::uint8_t> bytes = core::encode_state(file, a->output);
        core::write_file_atomically(a->output, bytes);
        for (const std::string& l : lost) {
          spdlog::warn("lost: {}", l);
        }
        if (globals.json) {
          print_out(nlohmann::json{{"file", a->output},
                                   {"records_migrated", changed},
                                   {"lost", lost},
                                   {"bytes", bytes.size()}}
                        .dump(2));
          return kExitOk;
        }
        print_out(fmt::format("migrated {} records ({} lossy steps), {} bytes to {}", changed,
                              lost.size(), bytes.size(), a->output));
        return kExitOk;
      }};
}

}  // namespace capstate::cli
