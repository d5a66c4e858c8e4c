// capstate assemble: turn the TOML that inspect prints back into a binary state file.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "statefile/codec.hpp"
#include "statetext/state_toml.hpp"
#include "util/atomic_file.hpp"
#include "util/file_lock.hpp"
#include "util/file_read.hpp"

namespace capstate::cli {

Verb add_assemble_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand(
      "assemble", "Build a state file from TOML as printed by inspect (the reverse of inspect)");
  auto input = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  cmd->add_option("TOML", *input, "TOML text to read")->required()->type_name("FILE");
  cmd->add_option("-o,--output", *output, "State file to write (replaced atomically)")
      ->required()
      ->type_name("FILE");
  return {cmd, [input, output, &globals](const core::Policy& policy) {
            // Held until after the rename: no other capstate writes this file meanwhile.
            const core::FileLock lock = core::lock_file_for_writing(*output);
            const std::string text = core::read_text_file_bounded(*input, core::kMaxStateFileBytes);
            const core::StateView view =
                with_file_context(*input, [&] { return core::state_from_toml(text, *input); });
            const core::Registry registry = load_registry(globals, policy);
            const core::StateFile state =
                with_file_context(*input, [&] { return core::unview_state(view, registry); });
            const std::vector<std::uint8_t> bytes = core::encode_state(state);
            // Refuse to write what the reader would refuse (e.g. duplicate records).
            (void)core::decode_state(bytes, *output);
            core::write_file_atomically(*output, bytes);
            if (globals.json) {
              std::size_t records = 0;
              for (const core::DeviceSection& d : state.devices) {
                records += d.records.size();
              }
              print_out(nlohmann::json{{"file", *output},
                                       {"devices", state.devices.size()},
                                       {"records", records},
                                       {"bytes", bytes.size()}}
                            .dump(2));
              return kExitOk;
            }
            print_out(fmt::format("assembled {} devices, {} bytes to {}", state.devices.size(),
                                  bytes.size(), *output));
            return kExitOk;
          }};
}

}  // namespace capstate::cli
