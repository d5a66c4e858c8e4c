// capstate abi dump / abi check: layout descriptions per plugin and schema, and drift checks.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "abi/abi_compare.hpp"
#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"

namespace capstate::cli {
namespace {

struct AbiOptions {
  std::string out_dir;   // dump -o
  std::string baseline;  // check --baseline
};

std::string searched_dirs(const GlobalOptions& globals) {
  const std::vector<std::filesystem::path> cli_dirs(globals.plugin_dirs.begin(),
                                                    globals.plugin_dirs.end());
  std::string text;
  for (const std::filesystem::path& dir : core::plugin_search_path(cli_dirs, {})) {
    text += (text.empty() ? "" : ", ") + dir.string();
  }
  return text.empty() ? "no directories" : text;
}

int run_dump(const GlobalOptions& globals, const AbiOptions& opts) {
  const core::Registry registry = load_registry(globals);
  const std::vector<core::PluginAbi> abis = core::abi_from_registry(registry);
  if (abis.empty()) {
    throw CliError(ErrorKind::plugin,
                   fmt::format("abi dump: no plugin loaded (searched: {}); build the plugins, or "
                               "point --plugin-dir or CAPSTATE_PLUGIN_PATH at them",
                               searched_dirs(globals)));
  }
  const auto files = core::write_abi_dump(abis, opts.out_dir);
  if (globals.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& file : files) {
      out.push_back(file.string());
    }
    print_out(out.dump(2));
  } else if (!globals.quiet) {
    std::string text;
    for (const core::PluginAbi& abi : abis) {
      text += fmt::format("{}: schemas {}..{} written to {}\n", abi.name, abi.oldest, abi.current,
                          (std::filesystem::path(opts.out_dir) / abi.name).string());
    }
    print_out(text);
  }
  return kExitOk;
}

int run_check(const GlobalOptions& globals, const AbiOptions& opts) {
  const std::vector<core::BaselinePlugin> baseline = core::read_abi_baseline(opts.baseline);
  const core::Registry registry = load_registry(globals);
  const core::AbiCheckResult result =
      core::check_abi(baseline, core::abi_from_registry(registry), searched_dirs(globals));
  if (!result.problems.empty()) {
    for (const std::string& line : result.problems) {
      spdlog::error("abi check: {}", line);
    }
    const std::size_t n = result.problems.size();
    throw CliError(ErrorKind::plugin,
                   fmt::format("abi check: {} problem{} between the plugins and the baseline {} "
                               "(each one is above, with what to do)",
                               n, n == 1 ? "" : "s", opts.baseline),
                   {{"baseline", opts.baseline}, {"problems", result.problems}});
  }
  if (globals.json) {
    nlohmann::json plugins = nlohmann::json::array();
    for (std::size_t i = 0; i < result.passed.size(); ++i) {
      const core::AbiPluginPass& pass = result.passed[i];
      plugins.push_back({{"name", pass.name},
                         {"oldest", pass.oldest},
                         {"current", pass.current},
                         {"summary", result.summary[i]}});
    }
    print_out(
        nlohmann::json{{"ok", true}, {"baseline", opts.baseline}, {"plugins", plugins}}.dump(2));
  } else if (!globals.quiet) {
    std::string text;
    for (const std::string& line : result.summary) {
      text += line + "\n";
    }
    print_out(text.empty() ? "the baseline names no plugin" : text);
  }
  return kExitOk;
}

}  // namespace

Verb add_abi_verb(CLI::App& app, GlobalOptions& globals) {
  auto opts = std::make_shared<AbiOptions>();
  auto* cmd = app.add_subcommand("abi", "Dump or check the plugins' layout descriptions");
  cmd->require_subcommand(1);
  auto* dump = cmd->add_subcommand(
      "dump", "Write each plugin's layout text per schema version into DIR/<plugin>/");
  dump->add_option("-o,--output", opts->out_dir, "Baseline directory to write")
      ->required()
      ->type_name("DIR");
  auto* check = cmd->add_subcommand(
      "check", "Compare the plugins with a committed baseline; exit 1 when a layout drifted");
  check->add_option("--baseline", opts->baseline, "Baseline directory (abi/ in the repository)")
      ->required()
      ->type_name("DIR");
  return {cmd, [&globals, opts, dump] {
            return dump->parsed() ? run_dump(globals, *opts) : run_check(globals, *opts);
          }};
}

}  // namespace capstate::cli
