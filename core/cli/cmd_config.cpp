// capstate config show: the merged policy and, for every value, the file:line or flag it came from.
#include "cli/cli_common.hpp"

namespace capstate::cli {

Verb add_config_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("config", "Show the policy read from the capstate.toml files");
  cmd->add_subcommand("show",
                      "Print the merged policy with the source of every value (--json for JSON)");
  cmd->require_subcommand(1);
  return {cmd, [&globals](const core::Policy& policy) {
            print_out(globals.json ? core::policy_to_json(policy) : core::policy_to_text(policy));
            return kExitOk;
          }};
}

}  // namespace capstate::cli
