// capstate: entry point; global options and one sub-command per verb (cli/cmd_*.cpp).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/cli_common.hpp"

namespace {

void setup_logging(const std::string& level_name) {
  auto logger = spdlog::stderr_color_mt("capstate");
  logger->set_pattern("%n: %^%l%$: %v");
  logger->set_level(spdlog::level::from_str(level_name));
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace capstate::cli;
  CLI::App app{"capstate: save and restore PCI device state, capability by capability"};
  app.set_version_flag("--version", std::string("capstate ") + CAPSTATE_VERSION);
  GlobalOptions globals;
  app.add_flag("-v,--verbose", globals.verbose, "More messages on stderr (repeat for more)");
  app.add_flag("-q,--quiet", globals.quiet, "Only errors on stderr");
  app.add_flag("--json", globals.json, "Print data as JSON on stdout");
  app.add_option("--plugin-dir", globals.plugin_dirs,
                 "Search DIR for plugins first (repeatable; before CAPSTATE_PLUGIN_PATH)")
      ->type_name("DIR");
  app.add_option("--config", globals.config_files,
                 "Read policy FILE after the system policy files (repeatable; later wins)")
      ->type_name("FILE");
  app.add_option("--config-root", globals.config_root,
                 "Look for usr/lib/capstate and etc/capstate policy files under DIR")
      ->type_name("DIR");
  app.fallthrough();  // global options are accepted after the verb too
  app.require_subcommand(1);

  std::vector<Verb> verbs{add_list_verb(app, globals),    add_discover_verb(app, globals),
                          add_plugins_verb(app, globals), add_save_verb(app, globals),
                          add_inspect_verb(app, globals), add_assemble_verb(app, globals),
                          add_restore_verb(app, globals), add_diff_verb(app, globals),
                          add_migrate_verb(app, globals), add_abi_verb(app, globals),
                          add_config_verb(app, globals)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && app.get_subcommands().empty() &&
        !app.remaining().empty()) {
      std::fprintf(stderr, "capstate: unknown verb '%s'; run 'capstate --help' for the list\n",
                   app.remaining().front().c_str());
      return kExitUsage;
    }
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  // The policy is loaded first thing: a bad file fails the command before any device is touched.
  try {
    load_cli_policy(globals);
  } catch (const std::exception& e) {
    setup_logging("warn");
    spdlog::error("{}", e.what());
    return kExitFailure;
  }
  setup_logging(policy().log_level.value);
  for (const Verb& verb : verbs) {
    if (!verb.command->parsed()) {
      continue;
    }
    try {
      return verb.run();
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return kExitFailure;
    }
  }
  return kExitUsage;
}
