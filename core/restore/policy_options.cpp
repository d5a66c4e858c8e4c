// save_options()/restore_options(): per-device policy and overrides as engine options.
#include "restore/policy_options.hpp"

#include "registry/registry.hpp"

namespace capstate::core {
namespace {

// The policy value was validated when the policy was loaded; "device" is the built-in default.
PluginFailureMode failure_mode(const DevicePolicy& p) {
  return parse_plugin_failure_mode(p.plugin_failure.value).value_or(PluginFailureMode::device);
}

}  // namespace

std::optional<IdentityMode> parse_identity_mode(std::string_view text) {
  if (text == "exact") {
    return IdentityMode::exact;
  }
  if (text == "ids") {
    return IdentityMode::ids;
  }
  if (text == "none") {
    return IdentityMode::none;
  }
  return std::nullopt;
}

SaveOptions save_options(const DevicePolicy& p) {
  SaveOptions options;
  options.fail_on_unhandled = p.unhandled_capability.value == "fail";
  options.on_plugin_failure = failure_mode(p);
  for (const std::string& key : p.skip_capabilities.value) {
    if (const auto cap = parse_capability_key(key)) {
      options.skip.push_back(*cap);
    }
  }
  return options;
}

RestoreOptions restore_options(const DeviceOverrides& overrides, const StateFile& file,
                               const DevicePolicy& p, bool compare) {
  RestoreOptions options;
  const bool policy_identity = !compare || p.identity.source != kBuiltInSource;
  // The policy value was validated when the policy was loaded; "exact" is the strictest.
  options.identity = overrides.identity ? *overrides.identity
                     : policy_identity
                         ? parse_identity_mode(p.identity.value).value_or(IdentityMode::exact)
                         : IdentityMode::none;
  options.identity_subsystem = overrides.identity_subsystem || p.identity_subsystem.value;
  options.allow_lossy = overrides.allow_lossy || p.lossy_downgrade.value == "allow";
  options.skip_newer_records = p.newer_record.value == "skip";
  options.on_plugin_failure = failure_mode(p);
  // Both values were validated when the policy was loaded; anything else keeps the refusal.
  options.bar_mismatch =
      p.bar_mismatch.value == "kernel" ? BarMismatch::kernel : BarMismatch::refuse;
  options.allow_bound_driver = p.bound_driver.value == "allow";
  for (const auto& [key, setting] : p.plugin_options) {
    options.plugin_options[key] = setting.value;
  }
  options.producer = file.envelope.producer_name + " " + file.envelope.producer_version;
  return options;
}

}  // namespace capstate::core
