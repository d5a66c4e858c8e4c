// capstate abi dump / abi check: layout descriptions per plugin and schema, and drift checks.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <vector>

#include "abi/abi_compare.hpp"
#include "cli/cli_common.hpp"
#include "cli/json_error.hpp"

namespace capstate::cli {
namespace {

struct AbiOptions {
  std::string out_dir;               // dump -o
  std::string baseline;              // check --baseline
  std::vector<std::string> plugins;  // --plugin NAME (repeatable): only these plugins
};

std::string searched_dirs(const GlobalOptions& globals) {
  const std::vector<std::filesystem::path> cli_dirs(globals.plugin_dirs.begin(),
                                                    globals.plugin_dirs.end());
  std::string text;
  for (const std::filesystem::path& dir :
       core::plugin_search_path(cli_dirs, globals.env.plugin_path, {})) {
    text += (text.empty() ? "" : ", ") + dir.string();
  }
  return text.empty() ? "no directories" : text;
}

// The error for a --plugin NAME that is not a loaded plugin: names the loaded plugins and, when a
// plugin of that name was found but not loaded, why.
CliError unknown_plugin(const GlobalOptions& globals, const core::Registry& registry,
                        std::string_view verb, const std::string& name,
                        const std::vector<core::PluginAbi>& loaded) {
  std::string names;
  nlohmann::json list = nlohmann::json::array();
  for (const core::PluginAbi& abi : loaded) {
    names += (names.empty() ? "" : ", ") + abi.name;
    list.push_back(abi.name);
  }
  std::string found;
  for (const core::PluginEntry& e : registry.entries()) {
    if (e.name == name) {
      found = fmt::format(" ({} is {}: {})", e.file.string(), core::to_string(e.status), e.reason);
      break;
    }
  }
  return CliError(
      ErrorKind::plugin,
      fmt::format("abi {}: --plugin '{}' is not a loaded plugin{}; loaded plugins: {} "
                  "(searched: {}); give one of those names, or add the plugin's "
                  "directory with --plugin-dir",
                  verb, name, found, names.empty() ? "none" : names, searched_dirs(globals)),
      {{"plugin", name}, {"loaded", list}});
}

// The descriptions of the loaded plugins, sorted by name; only those named by --plugin when it
// is given (an unknown name is an error).
std::vector<core::PluginAbi> selected_abis(const GlobalOptions& globals,
                                           const core::Registry& registry, std::string_view verb,
                                           const std::vector<std::string>& names) {
  std::vector<core::PluginAbi> all = core::abi_from_registry(registry);
  if (names.empty()) {
    return all;
  }
  std::vector<core::PluginAbi> out;
  for (const core::PluginAbi& abi : all) {
    if (std::find(names.begin(), names.end(), abi.name) != names.end()) {
      out.push_back(abi);
    }
  }
  for (const std::string& name : names) {
    const auto is_named = [&name](const core::PluginAbi& abi) { return abi.name == name; };
    if (std::none_of(out.begin(), out.end(), is_named)) {
      throw unknown_plugin(globals, registry, verb, name, all);
    }
  }
  return out;
}

// The sub-directories of baseline `dir` that belong to the `selected` plugins (--plugin); the
// others are never read. A selected plugin without one is left to check_abi to report.
std::vector<core::BaselinePlugin> read_selected_baseline(
    const std::filesystem::path& dir, const std::vector<core::PluginAbi>& selected) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::read_abi_baseline(dir);  // throws the usual error for a missing directory
  }
  std::vector<core::BaselinePlugin> out;
  for (const core::PluginAbi& abi : selected) {
    if (std::filesystem::is_directory(dir / abi.name, ec)) {
      out.push_back(core::read_abi_baseline_plugin(dir / abi.name));
    }
  }
  return out;
}

int run_dump(const GlobalOptions& globals, const core::Policy& policy, const AbiOptions& opts) {
  const core::Registry registry = load_registry(globals, policy);
  const std::vector<core::PluginAbi> abis = selected_abis(globals, registry, "dump", opts.plugins);
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

int run_check(const GlobalOptions& globals, const core::Policy& policy, const AbiOptions& opts) {
  // Without --plugin the whole baseline is read first: a malformed one fails before any plugin
  // is loaded. With --plugin, only the named plugins' sub-directories are read, once the names
  // are known to be loaded plugins.
  const bool whole = opts.plugins.empty();
  std::vector<core::BaselinePlugin> baseline;
  if (whole) {
    baseline = core::read_abi_baseline(opts.baseline);
  }
  const core::Registry registry = load_registry(globals, policy);
  const std::vector<core::PluginAbi> current =
      selected_abis(globals, registry, "check", opts.plugins);
  if (!whole) {
    baseline = read_selected_baseline(opts.baseline, current);
  }
  const core::AbiCheckResult result = core::check_abi(baseline, current, searched_dirs(globals));
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
  dump->add_option("--plugin", opts->plugins,
                   "Only this loaded plugin (repeatable); the others' directories are left alone")
      ->type_name("NAME");
  auto* check = cmd->add_subcommand(
      "check", "Compare the plugins with a committed baseline; exit 1 when a layout drifted");
  check->add_option("--baseline", opts->baseline, "Baseline directory (abi/ in the repository)")
      ->required()
      ->type_name("DIR");
  check
      ->add_option("--plugin", opts->plugins,
                   "Only this loaded plugin (repeatable); other plugins and their baselines in "
                   "DIR are not checked")
      ->type_name("NAME");
  return {cmd, [&globals, opts, dump](const core::Policy& policy) {
            return dump->parsed() ? run_dump(globals, policy, *opts)
                                  : run_check(globals, policy, *opts);
          }};
}

}  // namespace capstate::cli
