// capstate inspect: print a state file as TOML (default) or JSON, decoded by the plugins.
#include <cstdio>

#include "cli/cli_common.hpp"
#include "statefile/codec.hpp"
#include "statetext/state_toml.hpp"
#include "util/file_read.hpp"

namespace capstate::cli {

Verb add_inspect_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand(
      "inspect",
      "Print a state file as TOML (or --json), decoded; exit 1 if a record cannot be decoded");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "State file to print")->required()->type_name("FILE");
  return {cmd, [file, &globals](const core::Policy& policy) {
            const std::vector<std::uint8_t> bytes =
                core::read_file_bounded(*file, core::kMaxStateFileBytes);
            const core::StateFile state = core::decode_state(bytes, *file);
            const core::Registry registry = load_registry(globals, policy);
            const core::StateView view = core::view_state(state, registry);
            print_out(globals.json ? core::state_to_json(view) : core::state_to_toml(view));
            // Everything is printed (undecoded records as raw payloads); a record that cannot be
            // decoded still fails the command, so scripts do not take a partial view for whole.
            std::size_t undecoded = 0;
            std::string first;
            for (const core::DeviceView& d : view.devices) {
              for (const core::RecordView& r : d.records) {
                if (!r.decoded) {
                  if (undecoded++ == 0) {
                    first =
                        d.address.str() + " plugin '" + r.record.plugin + "': " + r.decode_error;
                  }
                }
              }
            }
            if (undecoded > 0) {
              std::fprintf(stderr,
                           "capstate inspect: %zu record%s could not be decoded (first: %s); they "
                           "are shown as raw payloads\n",
                           undecoded, undecoded == 1 ? "" : "s", first.c_str());
              return kExitFailure;
            }
            return kExitOk;
          }};
}

}  // namespace capstate::cli
