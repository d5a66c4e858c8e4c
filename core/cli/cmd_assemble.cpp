// capstate assemble: turn the TOML that inspect prints back into a binary state file.
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "statefile/codec.hpp"
#include "statetext/state_toml.hpp"
#include "util/atomic_file.hpp"
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
  return {cmd, [input, output, &globals] {
            const std::string text = core::read_text_file_bounded(*input, core::kMaxStateFileBytes);
            const core::StateView view = core::state_from_toml(text, *input);
            const core::Registry registry = load_registry(globals);
            const core::StateFile state = core::unview_state(view, registry);
            const std::vector<std::uint8_t> bytes = core::encode_state(state);
            // Refuse to write what the reader would refuse (e.g. duplicate records).
            (void)core::decode_state(bytes, *output);
            core::write_file_atomically(*output, bytes);
            print_out(fmt::format("assembled {} devices, {} bytes to {}", state.devices.size(),
                                  bytes.size(), *output));
            return kExitOk;
          }};
}

}  // namespace capstate::cli
