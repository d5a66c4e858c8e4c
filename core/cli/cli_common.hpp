// What every verb shares: global options, device-source options, logging, exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "backends/device_source.hpp"
#include "backends/pci_address.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "util/file_error.hpp"

namespace capstate::cli {

/// Process exit codes (also listed in the README and the man page).
enum ExitCode : int {
  kExitOk = 0,            ///< success
  kExitFailure = 1,       ///< the command failed (bad input, device error, refused file)
  kExitUsage = 2,         ///< bad command line
  kExitVerifyFailed = 3,  ///< restore wrote everything but read-back verification found differences
};

/// Options accepted before or after any verb.
struct GlobalOptions {
  int verbose = 0;                        ///< -v count: 1 info, 2 debug, 3 trace
  bool quiet = false;                     ///< -q: errors only
  bool json = false;                      ///< --json: data as JSON on stdout
  std::vector<std::string> plugin_dirs;   ///< --plugin-dir, highest priority first
  std::vector<std::string> config_files;  ///< --config FILE, in order (policy layers)
  std::string config_root;                ///< --config-root DIR (else CAPSTATE_CONFIG_ROOT, "/")
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
  std::function<int()> run;     ///< runs the verb; returns an ExitCode
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
/// Loads plugins from the search path built from --plugin-dir and the environment.
core::Registry load_registry(const GlobalOptions& globals);
/// Loads the policy layers named by the globals (once, first thing); -v/-q override log_level.
void load_cli_policy(const GlobalOptions& globals);
/// The policy loaded by load_cli_policy (built-in defaults before that).
const core::Policy& policy();
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
