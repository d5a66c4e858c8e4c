// capstate inspect: print a state file as TOML (default) or JSON, decoded by the plugins.
#include "cli/cli_common.hpp"
#include "statefile/codec.hpp"
#include "statetext/state_toml.hpp"
#include "util/file_read.hpp"

namespace capstate::cli {

Verb add_inspect_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("inspect", "Print a state file as TOML (or --json), decoded");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "State file to print")->required()->type_name("FILE");
  return {cmd, [file, &globals] {
            const std::vector<std::uint8_t> bytes =
                core::read_file_bounded(*file, core::kMaxStateFileBytes);
            const core::StateFile state = core::decode_state(bytes, *file);
            const core::Registry registry = load_registry(globals);
            const core::StateView view = core::view_state(state, registry);
            print_out(globals.json ? core::state_to_json(view) : core::state_to_toml(view));
            return kExitOk;
          }};
}

}  // namespace capstate::cli
