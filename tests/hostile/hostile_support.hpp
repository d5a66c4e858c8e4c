// Shared helpers of the hostile-input tests: the q35 dump, plugin directories, a whole restore
// run that reports its error text and how many writes reached the devices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "backends/dump_source.hpp"
#include "dispatch/device_save.hpp"
#include "registry/registry.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/state_file.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

namespace capstate::hostile {

using testsupport::TempDir;
using testsupport::write_bytes;
using testsupport::write_text;

/// tests/data/qemu-q35-guest.xxxx.txt: 12 devices, PM on 01:00.0, 02:00.0 and 03:00.0.
std::filesystem::path q35_dump();

/// build/lib/capstate/plugins: the in-tree plugins (header, pm, pcie, msi, msix, ltr).
std::filesystem::path in_tree_plugins();

/// build/test-plugins/hostile/<name>: the directory holding only hostile plugin `name`.
std::filesystem::path hostile_plugin_dir(const std::string& name);

/// A registry of the in-tree plugins plus, when `hostile` is not empty, that hostile plugin in
/// place of the in-tree pm (both claim standard capability 0x01).
core::Registry registry_with(const std::string& hostile);

/// Address from text ("0000:01:00.0"); fails the test when malformed.
core::PciAddress address(const std::string& text);

/// Saves `devices` of the q35 dump with registry_with(hostile).
core::StateFile save_q35(const std::vector<std::string>& devices, const std::string& hostile = "",
                         core::PluginFailureMode mode = core::PluginFailureMode::abort,
                         core::SaveReport* report = nullptr);

/// The encoded bytes of save_q35(devices).
std::vector<std::uint8_t> q35_state_bytes(const std::vector<std::string>& devices);

/// What a whole restore run did: the error text (empty when it succeeded), the writes that
/// reached the devices, and the plans it built.
struct RestoreOutcome {
  std::string error;         ///< what() of the exception, "" when none
  std::uint64_t writes = 0;  ///< config writes over every device of the dump
  std::map<std::string, std::uint64_t> writes_by_device;  ///< "0000:01:00.0" -> config writes
  std::vector<core::DevicePlan> plans;  ///< plans built (empty when planning threw)
};

/// decode_state(bytes) -> plan_restores -> apply_restores against a fresh copy of the q35 dump,
/// with `hostile` loaded besides the in-tree plugins and `mode` for plugin failures.
RestoreOutcome restore_bytes(const std::vector<std::uint8_t>& bytes,
                             const std::string& hostile = "",
                             core::PluginFailureMode mode = core::PluginFailureMode::abort);

/// Config writes counted over every device of `source`.
std::uint64_t total_writes(core::DumpSource& source);

}  // namespace capstate::hostile
