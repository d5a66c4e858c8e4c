#include "cli/cli_common.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "backends/dump_source.hpp"
#include "backends/image_source.hpp"
#include "backends/sysfs_source.hpp"
#include "cli/json_error.hpp"

extern char** environ;  // POSIX: the whole environment, passed on to programs we start

namespace capstate::cli {

void add_source_options(CLI::App* cmd, SourceOptions& opts) {
  cmd->add_option("--sysfs-root", opts.sysfs_root, "Root of the sysfs tree to read devices from")
      ->capture_default_str()
      ->type_name("DIR");
  auto* dump = cmd->add_option("--dump", opts.dump, "Read devices from lspci -x/-xxx/-xxxx text")
                   ->type_name("FILE");
  auto* image = cmd->add_option("--image", opts.image,
                                "Read one device from a raw 256- or 4096-byte config image")
                    ->type_name("FILE");
  dump->excludes(image);
  cmd->add_option("--image-address", opts.image_address,
                  "Address given to the --image device (default 0000:00:00.0)")
      ->type_name("ADDR")
      ->needs(image);
  cmd->add_option("-s,--slot", opts.slots, "Only devices at [[domain:]bus:][dev][.fn] (repeatable)")
      ->type_name("SLOT");
  cmd->add_option("-d,--ids", opts.ids, "Only devices with IDs [vendor]:[device] (hex)")
      ->type_name("VID:DID");
}

namespace {

std::unique_ptr<core::DeviceSource> open_named_source(const SourceOptions& opts) {
  if (!opts.dump.empty()) {
    return std::make_unique<core::DumpSource>(opts.dump);
  }
  if (!opts.image.empty()) {
    core::PciAddress address;
    if (!opts.image_address.empty()) {
      auto parsed = core::PciAddress::parse(opts.image_address);
      if (!parsed) {
        throw CliError(ErrorKind::usage,
                       "--image-address '" + opts.image_address +
                           "' is not an address of the form [domain:]bus:dev.fn; "
                           "give one like 0000:01:00.0",
                       {{"option", "--image-address"}, {"value", opts.image_address}});
      }
      address = *parsed;
    }
    return std::make_unique<core::ImageSource>(opts.image, address);
  }
  return std::make_unique<core::SysfsSource>(opts.sysfs_root);
}

}  // namespace

std::unique_ptr<core::DeviceSource> open_source(const SourceOptions& opts) {
  const std::string& file =
      !opts.dump.empty() ? opts.dump : (!opts.image.empty() ? opts.image : opts.sysfs_root);
  return with_file_context(file, [&] { return open_named_source(opts); });
}

std::vector<core::PciAddress> selected_devices(core::DeviceSource& source,
                                               const SourceOptions& opts) {
  if (opts.slots.empty()) {
    core::Selector selector;
    if (!opts.ids.empty()) {
      selector.parse_ids(opts.ids);
    }
    return core::select_devices(source, selector);
  }
  std::vector<core::PciAddress> result;
  for (const std::string& slot : opts.slots) {
    core::Selector selector;
    selector.parse_slot(slot);
    if (!opts.ids.empty()) {
      selector.parse_ids(opts.ids);
    }
    for (const core::PciAddress& a : core::select_devices(source, selector)) {
      if (std::find(result.begin(), result.end(), a) == result.end()) {
        result.push_back(a);
      }
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

namespace {

std::optional<std::string> environment_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

Environment read_environment() {
  return {environment_value("CAPSTATE_PLUGIN_PATH"), environment_value("CAPSTATE_CONFIG_ROOT"),
          environment_value("CAPSTATE_DATA_DIR")};
}

std::vector<std::string> environment_to_pass_on() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    env.emplace_back(*e);
  }
  return env;
}

core::Policy load_cli_policy(const GlobalOptions& globals) {
  const std::vector<std::filesystem::path> files(globals.config_files.begin(),
                                                 globals.config_files.end());
  core::Policy loaded =
      core::load_policy(core::policy_root(globals.config_root, globals.env.config_root), files);
  if (globals.quiet) {
    loaded.log_level = {"error", "-q"};
  } else if (globals.verbose > 0) {
    loaded.log_level = {globals.verbose >= 3 ? "trace" : (globals.verbose == 2 ? "debug" : "info"),
                        "-v"};
  }
  return loaded;
}

void check_plugin_dirs(const GlobalOptions& globals) {
  namespace fs = std::filesystem;
  for (const std::string& dir : globals.plugin_dirs) {
    std::error_code ec;
    const fs::file_status st = fs::status(dir, ec);
    std::string problem;
    if (st.type() == fs::file_type::not_found) {
      problem = fmt::format(
          "--plugin-dir '{}' does not exist; give an existing directory that "
          "holds plugin .so files, or leave the option out",
          dir);
    } else if (ec) {
      problem = fmt::format(
          "--plugin-dir '{}' cannot be examined: {}; give a directory that "
          "holds plugin .so files and that you can read",
          dir, ec.message());
    } else if (st.type() != fs::file_type::directory) {
      const fs::path parent = fs::path(dir).parent_path();
      problem = fmt::format(
          "--plugin-dir '{}' is not a directory; give the directory that holds "
          "the plugin .so files (for a plugin file: --plugin-dir '{}')",
          dir, parent.empty() ? "." : parent.string());
    } else {
      continue;
    }
    throw CliError(ErrorKind::usage, problem, {{"option", "--plugin-dir"}, {"value", dir}},
                   kExitUsage);
  }
}

core::RegistryOptions registry_options(const GlobalOptions& globals, const core::Policy& policy) {
  std::vector<std::filesystem::path> cli_dirs(globals.plugin_dirs.begin(),
                                              globals.plugin_dirs.end());
  const std::vector<std::filesystem::path> policy_dirs(policy.plugin_dirs.value.begin(),
                                                       policy.plugin_dirs.value.end());
  core::RegistryOptions options;
  options.search_path = core::plugin_search_path(cli_dirs, globals.env.plugin_path, policy_dirs);
  options.disabled = policy.disabled_plugins.value;
  for (const auto& [key, winner] : policy.plugin_winner) {
    options.winners[key] = winner.value;
  }
  options.allow_untrusted = policy.allow_untrusted_plugin_dirs.value;
  return options;
}

void warn_refused_plugins(const core::Registry& registry) {
  for (const core::PluginEntry& e : registry.entries()) {
    if (e.status == core::PluginStatus::refused) {
      spdlog::warn("plugin {} refused: {} ('capstate plugins' lists every plugin and why)",
                   e.file.string(), e.reason);
    }
  }
}

core::Registry load_registry(const GlobalOptions& globals, const core::Policy& policy) {
  core::Registry registry = core::Registry::load(registry_options(globals, policy));
  warn_refused_plugins(registry);
  return registry;
}

void print_out(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  if (text.empty() || text.back() != '\n') {
    std::fputc('\n', stdout);
  }
}

}  // namespace capstate::cli
