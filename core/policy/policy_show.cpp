// policy_to_text() and policy_to_json(): the merged policy with the source of every value.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "policy/policy.hpp"

namespace capstate::core {
namespace {

std::string show(bool v) {
  return v ? "true" : "false";
}
std::string show(const std::string& v) {
  return nlohmann::json(v).dump();
}
std::string show(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    out += (out.empty() ? "" : ", ") + show(s);
  }
  return "[" + out + "]";
}

template <class T>
std::string line(const std::string& key, const Setting<T>& s) {
  return fmt::format("{} = {}  # from {}\n", key, show(s.value), s.source);
}

template <class T>
void line(std::string& out, const std::string& key, const std::optional<Setting<T>>& s) {
  if (s) {
    out += line(key, *s);
  }
}

template <class T>
nlohmann::json entry(const Setting<T>& s) {
  return {{"value", s.value}, {"source", s.source}};
}

template <class T>
void entry(nlohmann::json& out, const std::string& key, const std::optional<Setting<T>>& s) {
  if (s) {
    out[key] = entry(*s);
  }
}

}  // namespace

std::string policy_to_text(const Policy& p) {
  std::string out;
  out += line("plugin_dirs", p.plugin_dirs);
  out += line("disabled_plugins", p.disabled_plugins);
  if (p.plugin_winner.empty()) {
    out += fmt::format("plugin_winner = {{}}  # from {}\n", kBuiltInSource);
  }
  for (const auto& [key, s] : p.plugin_winner) {
    out += line("plugin_winner." + show(key), s);
  }
  out += line("allow_untrusted_plugin_dirs", p.allow_untrusted_plugin_dirs);
  const DevicePolicy& d = p.defaults;
  out += line("unhandled_capability", d.unhandled_capability);
  out += line("newer_record", d.newer_record);
  out += line("lossy_downgrade", d.lossy_downgrade);
  out += line("identity", d.identity);
  out += line("identity_subsystem", d.identity_subsystem);
  out += line("verify", d.verify);
  out += line("skip_capabilities", d.skip_capabilities);
  out += line("plugin_failure", d.plugin_failure);
  out += line("bar_mismatch", d.bar_mismatch);
  out += line("bound_driver", d.bound_driver);
  for (const auto& [key, s] : d.plugin_options) {
    out += line("plugin_options." + key, s);
  }
  out += line("undo", p.undo);
  out += line("undo_dir", p.undo_dir);
  out += line("lock_dir", p.lock_dir);
  out += line("live_update_devices", p.live_update_devices);
  out += line("live_update_state", p.live_update_state);
  out += line("live_update_restore", p.live_update_restore);
  out += line("live_update_preflight", p.live_update_preflight);
  out += line("live_update_root", p.live_update_root);
  out += line("log_level", p.log_level);
  for (const DeviceRule& r : p.devices) {
    out += fmt::format("\n[[device]]  # from {}\nmatch = {}\n", r.source, show(r.match));
    line(out, "unhandled_capability", r.unhandled_capability);
    line(out, "newer_record", r.newer_record);
    line(out, "lossy_downgrade", r.lossy_downgrade);
    line(out, "identity", r.identity);
    line(out, "identity_subsystem", r.identity_subsystem);
    line(out, "verify", r.verify);
    line(out, "skip_capabilities", r.skip_capabilities);
    line(out, "plugin_failure", r.plugin_failure);
    line(out, "bar_mismatch", r.bar_mismatch);
    line(out, "bound_driver", r.bound_driver);
    for (const auto& [key, s] : r.plugin_options) {
      out += line("plugin_options." + key, s);
    }
  }
  return out;
}

std::string policy_to_json(const Policy& p) {
  nlohmann::json out;
  out["plugin_dirs"] = entry(p.plugin_dirs);
  out["disabled_plugins"] = entry(p.disabled_plugins);
  nlohmann::json winners = nlohmann::json::object();
  for (const auto& [key, s] : p.plugin_winner) {
    winners[key] = entry(s);
  }
  out["plugin_winner"] = winners;
  out["allow_untrusted_plugin_dirs"] = entry(p.allow_untrusted_plugin_dirs);
  const DevicePolicy& d = p.defaults;
  out["unhandled_capability"] = entry(d.unhandled_capability);
  out["newer_record"] = entry(d.newer_record);
  out["lossy_downgrade"] = entry(d.lossy_downgrade);
  out["identity"] = entry(d.identity);
  out["identity_subsystem"] = entry(d.identity_subsystem);
  out["verify"] = entry(d.verify);
  out["skip_capabilities"] = entry(d.skip_capabilities);
  out["plugin_failure"] = entry(d.plugin_failure);
  out["bar_mismatch"] = entry(d.bar_mismatch);
  out["bound_driver"] = entry(d.bound_driver);
  nlohmann::json options = nlohmann::json::object();
  for (const auto& [key, s] : d.plugin_options) {
    options[key] = entry(s);
  }
  out["plugin_options"] = options;
  out["undo"] = entry(p.undo);
  out["undo_dir"] = entry(p.undo_dir);
  out["lock_dir"] = entry(p.lock_dir);
  out["live_update_devices"] = entry(p.live_update_devices);
  out["live_update_state"] = entry(p.live_update_state);
  out["live_update_restore"] = entry(p.live_update_restore);
  out["live_update_preflight"] = entry(p.live_update_preflight);
  out["live_update_root"] = entry(p.live_update_root);
  out["log_level"] = entry(p.log_level);
  nlohmann::json devices = nlohmann::json::array();
  for (const DeviceRule& r : p.devices) {
    nlohmann::json dev{{"match", r.match}, {"source", r.source}};
    entry(dev, "unhandled_capability", r.unhandled_capability);
    entry(dev, "newer_record", r.newer_record);
    entry(dev, "lossy_downgrade", r.lossy_downgrade);
    entry(dev, "identity", r.identity);
    entry(dev, "identity_subsystem", r.identity_subsystem);
    entry(dev, "verify", r.verify);
    entry(dev, "skip_capabilities", r.skip_capabilities);
    entry(dev, "plugin_failure", r.plugin_failure);
    entry(dev, "bar_mismatch", r.bar_mismatch);
    entry(dev, "bound_driver", r.bound_driver);
    for (const auto& [key, s] : r.plugin_options) {
      dev["plugin_options"][key] = entry(s);
    }
    devices.push_back(dev);
  }
  out["device"] = devices;
  return out.dump(2);
}

}  // namespace capstate::core
