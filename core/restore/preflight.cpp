#include "restore/preflight.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <filesystem>
#include <system_error>

#include "engine/plugin_call.hpp"
#include "util/file_error.hpp"
#include "util/process.hpp"

namespace capstate::core {
namespace {

// Adds `line` unless it is there already (an identity refusal repeats for every record).
void add_once(std::vector<std::string>& lines, std::string line) {
  if (std::find(lines.begin(), lines.end(), line) == lines.end()) {
    lines.push_back(std::move(line));
  }
}

}  // namespace

PreflightReport preflight(DeviceSource& source, const StateFile& file, const Registry& registry,
                          const std::function<RestoreOptions(const DeviceSection&)>& options_for) {
  PreflightReport report;
  std::vector<PciAddress> present = source.addresses();
  std::sort(present.begin(), present.end());
  for (const DeviceSection& section : file.devices) {
    ++report.devices;
    report.records += section.records.size();
    if (!std::binary_search(present.begin(), present.end(), section.address)) {
      add_once(report.refusals, fmt::format("{}: saved in the file but not present in {}",
                                            section.address.str(), source.describe()));
      continue;
    }
    RestoreOptions options = options_for(section);
    options.on_plugin_failure = PluginFailureMode::abort;  // every failure is a finding
    Device device = source.open(section.address);
    // The device's address and identity once; then its records, one at a time.
    DeviceSection one{.address = section.address, .identity = section.identity, .records = {}};
    for (const Record& record : section.records) {
      one.records.assign(1, record);
      try {
        plan_restore(device, one, registry, options);
      } catch (const std::exception& e) {  // RestoreRefused, PluginFailure, device errors
        add_once(report.refusals, e.what());
      }
    }
  }
  return report;
}

int run_capstate_in_root(const std::filesystem::path& root, const std::vector<std::string>& args) {
  const std::filesystem::path binary = root / "usr/bin/capstate";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(binary, ec)) {
    throw FileError(binary,
                    fmt::format("no capstate in the root file system {} (looked for {}); install "
                                "the release that restores there, or check the root",
                                root.string(), binary.string()),
                    ENOENT);
  }
  // That root's libraries first, so its capstate runs with its own libcapstate and plugins; a
  // small fixed environment, so nothing of ours (CAPSTATE_PLUGIN_PATH) leaks into it.
  const std::string libdir = CAPSTATE_INSTALL_LIBDIR;
  std::string library_path;
  for (const std::filesystem::path& dir :
       {root / "usr" / libdir, root / libdir, root / "usr/lib", root / "lib"}) {
    library_path += (library_path.empty() ? "" : ":") + dir.string();
  }
  std::vector<std::string> env{"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                               "LD_LIBRARY_PATH=" + library_path, "LC_ALL=C.UTF-8"};
  std::vector<std::string> argv{binary.string(), "--config-root", root.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, env);
}

}  // namespace capstate::core
