// libFuzzer target: the state-file decoder, and for what it accepts everything inspect and migrate
// do with it (plugin decoding to TOML/JSON, the TOML read back, re-encoding, migration of every
// record to every schema version its plugin reads). In memory only: no file or device is touched.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>

#include "fuzz_registry.hpp"
#include "migration/migrate.hpp"
#include "statefile/codec.hpp"
#include "statetext/state_toml.hpp"
#include "statetext/state_view.hpp"

namespace {

using namespace capstate;

[[noreturn]] void invariant_broken(const char* what, const char* detail) {
  std::fprintf(stderr, "fuzz_state_file: %s: %s\n", what, detail);
  std::abort();
}

// Migrates every record to every schema its plugin can read; refusals are fine, crashes are not.
void migrate_everywhere(const core::StateFile& file, const core::Registry& registry) {
  const std::string producer = file.envelope.producer_name + " " + file.envelope.producer_version;
  for (const core::DeviceSection& section : file.devices) {
    for (const Record& record : section.records) {
      const core::PluginEntry* entry = registry.find(record.plugin);
      if (entry == nullptr || entry->plugin == nullptr) {
        continue;
      }
      for (std::uint16_t v = entry->oldest_schema; v <= entry->current_schema; ++v) {
        for (const bool lossy : {false, true}) {
          try {
            (void)core::migrate_record(*entry->plugin, record, v, lossy, producer);
          } catch (const std::runtime_error&) {
          }
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::Registry& registry = fuzz::build_tree_registry();
  core::StateFile file;
  try {
    file = core::decode_state(std::span<const std::uint8_t>(data, size), "fuzz.cst");
  } catch (const core::StateFileError&) {
    return 0;
  }

  // What decodes must encode again and decode to the same thing.
  try {
    const std::vector<std::uint8_t> again = core::encode_state(file, "fuzz re-encode");
    if (!(core::decode_state(again, "fuzz re-encode") == file)) {
      invariant_broken("re-encoded file decodes differently", "");
    }
  } catch (const core::StateFileError& e) {
    invariant_broken("a decoded file does not encode", e.what());
  }

  // inspect: decode every record by its plugin, print as TOML and JSON.
  const core::StateView view = core::view_state(file, registry);
  const std::string toml = core::state_to_toml(view);
  (void)core::state_to_json(view);

  // assemble: the TOML inspect prints must read back; re-encoding may refuse values, not crash.
  try {
    const core::StateView back = core::state_from_toml(toml, "fuzz.toml");
    (void)core::unview_state(back, registry);
  } catch (const std::runtime_error& e) {
    invariant_broken("inspect TOML does not read back", e.what());
  }

  migrate_everywhere(file, registry);
  return 0;
}
