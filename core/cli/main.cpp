// capstate: entry point; global options and one sub-command per verb (cli/cmd_*.cpp).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"

namespace {

void setup_logging(const std::string& level_name) {
  auto logger = spdlog::stderr_color_mt("capstate");
  logger->set_pattern("%n: %^%l%$: %v");
  logger->set_level(spdlog::level::from_str(level_name));
  spdlog::set_default_logger(logger);
}

// A command line CLI11 rejected (or --help/--version, which exit 0): CLI11's text on stderr as
// always and, with --json, the error as JSON on stdout.
int usage_error(const CLI::App& app, const CLI::ParseError& e, bool json) {
  using namespace capstate::cli;
  if (e.get_exit_code() == 0) {
    (void)app.exit(e);
    return kExitOk;
  }
  ErrorReport report{e.what(), ErrorKind::usage, kExitUsage, nlohmann::json::object()};
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && app.get_subcommands().empty() &&
      !app.remaining().empty()) {
    report.message =
        "unknown verb '" + app.remaining().front() + "'; run 'capstate --help' for the list";
    report.fields["verb"] = app.remaining().front();
    std::fprintf(stderr, "capstate: %s\n", report.message.c_str());
  } else {
    (void)app.exit(e);
  }
  if (json) {
    print_out(error_json(report).dump(2));
  }
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace capstate::cli;
  CLI::App app{"capstate: save and restore PCI device state, capability by capability"};
  app.set_version_flag("--version", std::string("capstate ") + CAPSTATE_VERSION);
  GlobalOptions globals;
  // The only place capstate reads its settings from the environment.
  globals.env = read_environment();
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
                          add_config_verb(app, globals),  add_live_update_verb(app, globals)};
  // --json is looked for in argv too: a command line CLI11 rejects may not have set the flag yet.
  const bool json_args = json_requested(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e, json_args || globals.json);
  }
  // A --plugin-dir that is not a directory, then a bad policy file, fail the command first thing,
  // before any plugin is loaded or device touched. The merged policy is built here, once, and
  // handed to the verb.
  capstate::core::Policy policy;
  try {
    check_plugin_dirs(globals);
    policy = load_cli_policy(globals);
  } catch (const std::exception& e) {
    setup_logging("warn");
    return report_error(describe_error(e), globals.json);
  }
  setup_logging(policy.log_level.value);
  for (const Verb& verb : verbs) {
    if (!verb.command->parsed()) {
      continue;
    }
    try {
      return verb.run(policy);
    } catch (const std::exception& e) {
      return report_error(describe_error(e), globals.json);
    } catch (...) {
      return report_error({"a non-standard exception escaped; this is a bug in capstate, please "
                           "report it with the command line",
                           ErrorKind::internal, kExitFailure, nlohmann::json::object()},
                          globals.json);
    }
  }
  return kExitUsage;
}
