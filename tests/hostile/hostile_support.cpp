#include "hostile_support.hpp"

#include <gtest/gtest.h>
#include <stdexcept>

#include "dispatch/save_state.hpp"
#include "restore/restore_run.hpp"
#include "statefile/codec.hpp"

namespace capstate::hostile {

std::filesystem::path q35_dump() {
  return std::filesystem::path(CAPSTATE_TEST_DATA_DIR) / "qemu-q35-guest.xxxx.txt";
}

std::filesystem::path in_tree_plugins() {
  return std::filesystem::path(CAPSTATE_BINARY_DIR) / "lib" / "capstate" / "plugins";
}

std::filesystem::path hostile_plugin_dir(const std::string& name) {
  return std::filesystem::path(CAPSTATE_BINARY_DIR) / "test-plugins" / "hostile" / name;
}

core::Registry registry_with(const std::string& hostile) {
  core::RegistryOptions options;
  options.search_path = {in_tree_plugins()};
  if (!hostile.empty()) {
    options.search_path.push_back(hostile_plugin_dir(hostile));
    // The hostile plugins claim Power Management (standard 0x01), as the in-tree pm does: they
    // stand in for it, so pm stays out (loaded too, one of the two would be refused).
    options.disabled = {"pm"};
  }
  options.allow_untrusted = true;  // build trees may be group-writable
  return core::Registry::load(options);
}

core::PciAddress address(const std::string& text) {
  const auto a = core::PciAddress::parse(text);
  if (!a) {
    throw std::invalid_argument("bad address in a test: " + text);
  }
  return *a;
}

core::StateFile save_q35(const std::vector<std::string>& devices, const std::string& hostile,
                         core::PluginFailureMode mode, core::SaveReport* report) {
  core::DumpSource source(q35_dump());
  const core::Registry registry = registry_with(hostile);
  std::vector<core::PciAddress> addresses;
  for (const std::string& d : devices) {
    addresses.push_back(address(d));
  }
  core::SaveOptions options;
  options.on_plugin_failure = mode;
  core::SaveReport local;
  return core::save_state(source, addresses, registry, options, report ? *report : local);
}

std::vector<std::uint8_t> q35_state_bytes(const std::vector<std::string>& devices) {
  return core::encode_state(save_q35(devices));
}

std::uint64_t total_writes(core::DumpSource& source) {
  std::uint64_t n = 0;
  for (const core::PciAddress& a : source.addresses()) {
    n += source.counts(a).total_writes();
  }
  return n;
}

RestoreOutcome restore_bytes(const std::vector<std::uint8_t>& bytes, const std::string& hostile,
                             core::PluginFailureMode mode) {
  RestoreOutcome out;
  core::DumpSource source(q35_dump());
  try {
    const core::StateFile file = core::decode_state(bytes, "hostile.cst");
    const core::Registry registry = registry_with(hostile);
    core::RestoreOptions options;
    options.on_plugin_failure = mode;
    std::vector<core::DeviceRestore> restores =
        core::plan_restores(source, file, {}, registry, options);
    for (const core::DeviceRestore& r : restores) {
      out.plans.push_back(r.plan);
    }
    core::apply_restores(restores, true);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.writes = total_writes(source);
  for (const core::PciAddress& a : source.addresses()) {
    out.writes_by_device[a.str()] = source.counts(a).total_writes();
  }
  return out;
}

}  // namespace capstate::hostile
