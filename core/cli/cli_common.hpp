// What every verb shares: global options, device-source options, logging, exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "backends/device_source.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "util/file_error.hpp"
#include "util/pci_address.hpp"

namespace capstate::cli {

/// Process exit codes (also listed in the README and the man page).
enum ExitCode : int {
  kExitOk = 0,            ///< success
  kExitFailure = 1,       ///< the command failed (bad input, device error, refused file)
  kExitUsage = 2,         ///< bad command line
  kExitVerifyFailed = 3,  ///< restore wrote everything but read-back verification found differences
};

/// The environment variables capstate honours. Only the command line reads them
/// (read_environment(), once, in main); the library takes their values as parameters.
struct Environment {
  std::optional<std::string> plugin_path;  ///< CAPSTATE_PLUGIN_PATH (colon-separated directories)
  std::optional<std::string> config_root;  ///< CAPSTATE_CONFIG_ROOT (root of the policy files)
  std::optional<std::string> data_dir;     ///< CAPSTATE_DATA_DIR (capability-names.toml)
};

/// The CAPSTATE_* variables of this process's environment (nullopt: unset).
Environment read_environment();

/// This process's whole environment ("NAME=value"), to pass on to a program capstate starts.
std::vector<std::string> environment_to_pass_on();

/// Options accepted before or after any verb.
struct GlobalOptions {
  int verbose = 0;                        ///< -v count: 1 info, 2 debug, 3 trace
  bool quiet = false;                     ///< -q: errors only
  bool json = false;                      ///< --json: data as JSON on stdout
  std::vector<std::string> plugin_dirs;   ///< --plugin-dir, highest priority first
  std::vector<std::string> config_files;  ///< --config FILE, in order (policy layers)
  std::string config_root;                ///< --config-root DIR (else CAPSTATE_CONFIG_ROOT, "/")
  Environment env;                        ///< the environment, read by main
};

/// Where devices come from and which ones to use (shared by list, discover, save, ...).
struct SourceOptions {
  std::string sysfs_root = "/sys";  ///< --sysfs-root
  std::string dump;                 ///< --dump FILE (lspci -x/-xxx/-xxxx text)
  std::string image;                ///< --image FILE (raw 256/4096-byte config space)
  std::string image_address;        ///< --image-address for the image's device
  std::vector<std::string> slots;   ///< -s [[domain:]bus:][dev][.fn]
  std::string ids;                  ///< -d [vendor]:[device]
};

/// A verb's parsed sub-command and the function that runs it.
struct Verb {
  CLI::App* command = nullptr;  ///< the CLI11 sub-command
  /// Runs the verb with the merged policy (built once by main); returns an ExitCode.
  std::function<int(const core::Policy&)> run;
};

/// Adds --sysfs-root/--dump/--image/-s/-d to `cmd`.
void add_source_options(CLI::App* cmd, SourceOptions& opts);
/// Opens the source the options name (sysfs by default).
std::unique_ptr<core::DeviceSource> open_source(const SourceOptions& opts);
/// Addresses selected by -s/-d in `source`, sorted.
std::vector<core::PciAddress> selected_devices(core::DeviceSource& source,
                                               const SourceOptions& opts);
/// Throws a usage CliError (exit 2) for the first --plugin-dir value that is not an existing
/// directory. Only the explicit option is strict: CAPSTATE_PLUGIN_PATH and policy plugin_dirs
/// entries that do not exist are skipped when plugins are searched.
void check_plugin_dirs(const GlobalOptions& globals);
/// The plugin search path of --plugin-dir, CAPSTATE_PLUGIN_PATH (`globals.env`) and the policy's
/// plugin_dirs, and the policy's disabled plugins, winners and trust.
core::RegistryOptions registry_options(const GlobalOptions& globals, const core::Policy& policy);
/// Logs a warning for every plugin `registry` refused.
void warn_refused_plugins(const core::Registry& registry);
/// Loads the plugins registry_options() names and warns about the refused ones.
core::Registry load_registry(const GlobalOptions& globals, const core::Policy& policy);
/// Loads the policy layers named by the globals and CAPSTATE_CONFIG_ROOT (`globals.env`); -v/-q
/// override log_level. Called once, first thing, by main, which passes the result to the verb.
core::Policy load_cli_policy(const GlobalOptions& globals);
/// Writes `text` to stdout (adds a newline when missing).
void print_out(const std::string& text);

/// Runs `fn()`. A plain std::runtime_error (from code reading `file` that has no typed error for
/// the failure) becomes a core::FileError about `file` (same text), so that --json can name the
/// file. Typed errors (DumpFormatError, StateTextError, ...) pass unchanged.
template <class F>
decltype(auto) with_file_context(const std::string& file, F&& fn) {
  try {
    return std::forward<F>(fn)();
  } catch (const std::runtime_error& e) {
    if (typeid(e) != typeid(std::runtime_error)) {
      throw;
    }
    throw core::FileError(file, e.what());
  }
}

/// Verb registration functions, one per cmd_*.cpp.
Verb add_list_verb(CLI::App& app, GlobalOptions& globals);
Verb add_discover_verb(CLI::App& app, GlobalOptions& globals);
Verb add_plugins_verb(CLI::App& app, GlobalOptions& globals);
Verb add_save_verb(CLI::App& app, GlobalOptions& globals);
Verb add_inspect_verb(CLI::App& app, GlobalOptions& globals);
Verb add_assemble_verb(CLI::App& app, GlobalOptions& globals);
Verb add_restore_verb(CLI::App& app, GlobalOptions& globals);
Verb add_diff_verb(CLI::App& app, GlobalOptions& globals);
Verb add_migrate_verb(CLI::App& app, GlobalOptions& globals);
Verb add_abi_verb(CLI::App& app, GlobalOptions& globals);
Verb add_config_verb(CLI::App& app, GlobalOptions& globals);
Verb add_live_update_verb(CLI::App& app, GlobalOptions& globals);

}  // namespace capstate::cli
