// save_options()/restore_options(): per-device policy and flags as engine options.
#include "cli/policy_options.hpp"

#include "registry/registry.hpp"

namespace capstate::cli {
namespace {

core::IdentityMode identity_mode(const std::string& text) {
  return text == "ids" ? core::IdentityMode::ids
                       : (text == "none" ? core::IdentityMode::none : core::IdentityMode::exact);
}

// The policy value was validated when the policy was loaded; "device" is the built-in default.
core::PluginFailureMode failure_mode(const core::DevicePolicy& p) {
  return core::parse_plugin_failure_mode(p.plugin_failure.value)
      .value_or(core::PluginFailureMode::device);
}

}  // namespace

core::SaveOptions save_options(const core::DevicePolicy& p) {
  core::SaveOptions options;
  options.fail_on_unhandled = p.unhandled_capability.value == "fail";
  options.on_plugin_failure = failure_mode(p);
  for (const std::string& key : p.skip_capabilities.value) {
    if (const auto cap = core::parse_capability_key(key)) {
      options.skip.push_back(*cap);
    }
  }
  return options;
}

core::RestoreOptions restore_options(const MatchFlags& flags, const core::StateFile& file,
                                     const core::DevicePolicy& p, bool diff) {
  core::RestoreOptions options;
  const bool policy_identity = !diff || p.identity.source != core::kBuiltInSource;
  options.identity = identity_mode(!flags.identity.empty() ? flags.identity
                                   : policy_identity       ? p.identity.value
                                                           : "none");
  options.identity_subsystem = flags.identity_subsystem || p.identity_subsystem.value;
  options.allow_lossy = flags.allow_lossy || p.lossy_downgrade.value == "allow";
  options.skip_newer_records = p.newer_record.value == "skip";
  options.on_plugin_failure = failure_mode(p);
  options.producer = file.envelope.producer_name + " " + file.envelope.producer_version;
  return options;
}

}  // namespace capstate::cli
