// merge_policy_file()/merge_policy_text(): parse one TOML policy file, validate it, merge it.
#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "util/file_read.hpp"
#include "util/file_trust.hpp"

namespace capstate::core {
namespace {

/// The largest policy file read (1 MiB); policy files are a few hundred lines at most.
constexpr std::size_t kMaxPolicyFileBytes = std::size_t{1} << 20;

const std::vector<std::string> kUnhandled{"skip", "fail"};
const std::vector<std::string> kNewer{"fail", "skip"};
const std::vector<std::string> kLossy{"deny", "allow"};
const std::vector<std::string> kIdentity{"exact", "ids", "none"};
const std::vector<std::string> kPluginFailure{"abort", "device", "capability"};
const std::vector<std::string> kBarMismatch{"refuse", "kernel"};
const std::vector<std::string> kBoundDriver{"refuse", "allow"};
const std::vector<std::string> kRestoreStage{"early", "late", "off"};
const std::vector<std::string> kPreflight{"fail", "warn"};
const std::vector<std::string> kLogLevels{"trace", "debug", "info", "warn", "error", "off"};

// The TOML type of a value as the user wrote it, for "found ..." in messages.
std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    out += (out.empty() ? "\"" : ", \"") + v + "\"";
  }
  return out;
}

// Reads values of one table, each checked against its expected type, with positions in errors.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const toml::source_region& at, const std::string& what) const {
    throw PolicyError(fmt::format("{}:{}:{}: {}; fix or remove it (see packaging/capstate.toml)",
                                  source_, at.begin.line, at.begin.column, what));
  }

  std::string where(const toml::node& node) const {
    return fmt::format("{}:{}", source_, node.source().begin.line);
  }

  Setting<bool> boolean(const std::string& key, const toml::node& node) const {
    if (!node.is_boolean()) {
      fail(node.source(), fmt::format("key '{}' must be a boolean (true or false), found {}", key,
                                      type_name(node)));
    }
    return {*node.value<bool>(), where(node)};
  }

  Setting<std::string> string(const std::string& key, const toml::node& node,
                              const std::vector<std::string>* allowed) const {
    if (!node.is_string()) {
      fail(node.source(), fmt::format("key '{}' must be a string{}, found {}", key,
                                      allowed != nullptr ? " (one of " + join(*allowed) + ")" : "",
                                      type_name(node)));
    }
    std::string value = *node.value<std::string>();
    if (allowed != nullptr &&
        std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
      fail(node.source(),
           fmt::format("key '{}' is \"{}\"; expected one of {}", key, value, join(*allowed)));
    }
    return {std::move(value), where(node)};
  }

  Setting<std::vector<std::string>> strings(const std::string& key, const toml::node& node,
                                            bool capability_keys) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      fail(node.source(),
           fmt::format("key '{}' must be an array of strings, found {}", key, type_name(node)));
    }
    Setting<std::vector<std::string>> out{{}, where(node)};
    for (const toml::node& item : *array) {
      if (!item.is_string()) {
        fail(item.source(), fmt::format("key '{}' must be an array of strings; this item is {}",
                                        key, type_name(item)));
      }
      std::string value = *item.value<std::string>();
      if (capability_keys && !parse_capability_key(value)) {
        fail(item.source(),
             fmt::format("key '{}': \"{}\" is not a capability key; expected \"standard:0xNN\" "
                         "or \"extended:0xNNNN\"",
                         key, value));
      }
      out.value.push_back(std::move(value));
    }
    return out;
  }

  // plugin_options = { <plugin> = { <option> = value } }: each value a string, boolean or integer,
  // kept as text; whether the plugin takes it is checked when its restore is planned.
  void plugin_options(const toml::node& node, DeviceRule& rule) const {
    const toml::table* plugins = node.as_table();
    if (plugins == nullptr) {
      fail(node.source(),
           "key 'plugin_options' must be a table of [plugin_options.<plugin>] "
           "tables");
    }
    for (const auto& [plugin, options] : *plugins) {
      const std::string name(plugin.str());
      const toml::table* table = options.as_table();
      if (table == nullptr) {
        fail(options.source(),
             fmt::format("plugin_options.{} must be a table of option = value entries, found {}",
                         name, type_name(options)));
      }
      for (const auto& [option, value] : *table) {
        const std::string key = name + "." + std::string(option.str());
        std::string text;
        if (value.is_string()) {
          text = *value.value<std::string>();
        } else if (value.is_boolean()) {
          text = *value.value<bool>() ? "true" : "false";
        } else if (value.is_integer()) {
          text = std::to_string(*value.value<std::int64_t>());
        } else {
          fail(value.source(),
               fmt::format("plugin_options.{} must be a string, boolean or integer, found {}", key,
                           type_name(value)));
        }
        rule.plugin_options[key] = {std::move(text), where(value)};
      }
    }
  }

  // Per-device keys, shared by the top level and [[device]] tables; false when `key` is not one.
  bool device_key(const std::string& key, const toml::node& node, DeviceRule& rule) const {
    if (key == "unhandled_capability") {
      rule.unhandled_capability = string(key, node, &kUnhandled);
    } else if (key == "newer_record") {
      rule.newer_record = string(key, node, &kNewer);
    } else if (key == "lossy_downgrade") {
      rule.lossy_downgrade = string(key, node, &kLossy);
    } else if (key == "identity") {
      rule.identity = string(key, node, &kIdentity);
    } else if (key == "identity_subsystem") {
      rule.identity_subsystem = boolean(key, node);
    } else if (key == "verify") {
      rule.verify = boolean(key, node);
    } else if (key == "skip_capabilities") {
      rule.skip_capabilities = strings(key, node, true);
    } else if (key == "plugin_failure") {
      rule.plugin_failure = string(key, node, &kPluginFailure);
    } else if (key == "bar_mismatch") {
      rule.bar_mismatch = string(key, node, &kBarMismatch);
    } else if (key == "bound_driver") {
      rule.bound_driver = string(key, node, &kBoundDriver);
    } else if (key == "plugin_options") {
      plugin_options(node, rule);
    } else {
      return false;
    }
    return true;
  }

 private:
  std::string source_;
};

void read_winners(const Reader& r, const toml::node& node, Policy& policy) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    r.fail(node.source(),
           "key 'plugin_winner' must be a table of \"standard:0xNN\" = \"plugin\" entries");
  }
  for (const auto& [key, value] : *table) {
    const std::string name(key.str());
    const auto cap = parse_capability_key(name);
    if (!cap) {
      r.fail(key.source(), fmt::format("plugin_winner key \"{}\" is not a capability key; expected "
                                       "\"standard:0xNN\" or \"extended:0xNNNN\"",
                                       name));
    }
    policy.plugin_winner[capability_key(*cap)] = r.string("plugin_winner." + name, value, nullptr);
  }
}

DeviceRule read_device(const Reader& r, const toml::node& node) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    r.fail(node.source(), "'device' must be an array of tables ([[device]])");
  }
  DeviceRule rule;
  rule.source = r.where(node);
  bool has_match = false;
  for (const auto& [key, value] : *table) {
    const std::string name(key.str());
    if (name == "match") {
      rule.match = r.string("device.match", value, nullptr).value;
      if (rule.match.empty()) {
        r.fail(value.source(),
               "key 'device.match' is empty; expected an address glob such as "
               "\"0000:02:*\" or a \"vendor:device\" pair such as \"8086:10d3\"");
      }
      has_match = true;
    } else if (!r.device_key(name, value, rule)) {
      r.fail(key.source(),
             fmt::format("unknown key 'device.{}'; a [[device]] table takes match, "
                         "unhandled_capability, newer_record, lossy_downgrade, identity, "
                         "identity_subsystem, verify, skip_capabilities, plugin_failure, "
                         "bar_mismatch, bound_driver, plugin_options",
                         name));
    }
  }
  if (!has_match) {
    r.fail(node.source(),
           "[[device]] table without 'match'; add match = \"0000:02:*\" or "
           "match = \"8086:10d3\"");
  }
  return rule;
}

void merge_table(const toml::table& root, const Reader& r, Policy& policy) {
  DeviceRule top;
  for (const auto& [key, value] : root) {
    const std::string name(key.str());
    if (name == "plugin_dirs") {
      policy.plugin_dirs = r.strings(name, value, false);
    } else if (name == "disabled_plugins") {
      policy.disabled_plugins = r.strings(name, value, false);
    } else if (name == "plugin_winner") {
      read_winners(r, value, policy);
    } else if (name == "allow_untrusted_plugin_dirs") {
      policy.allow_untrusted_plugin_dirs = r.boolean(name, value);
    } else if (name == "undo") {
      policy.undo = r.boolean(name, value);
    } else if (name == "undo_dir") {
      policy.undo_dir = r.string(name, value, nullptr);
    } else if (name == "lock_dir") {
      policy.lock_dir = r.string(name, value, nullptr);
    } else if (name == "live_update_devices") {
      policy.live_update_devices = r.strings(name, value, false);
    } else if (name == "live_update_state") {
      policy.live_update_state = r.string(name, value, nullptr);
    } else if (name == "live_update_restore") {
      policy.live_update_restore = r.string(name, value, &kRestoreStage);
    } else if (name == "live_update_preflight") {
      policy.live_update_preflight = r.string(name, value, &kPreflight);
    } else if (name == "live_update_root") {
      policy.live_update_root = r.string(name, value, nullptr);
    } else if (name == "log_level") {
      policy.log_level = r.string(name, value, &kLogLevels);
    } else if (name == "device") {
      const toml::array* array = value.as_array();
      if (array == nullptr) {
        r.fail(value.source(), "'device' must be an array of tables ([[device]])");
      }
      for (const toml::node& item : *array) {
        policy.devices.push_back(read_device(r, item));
      }
    } else if (!r.device_key(name, value, top)) {
      r.fail(key.source(),
             fmt::format("unknown key '{}'; see packaging/capstate.toml for the keys", name));
    }
  }
  apply_rule(policy.defaults, top);
}

// What makes `file` untrusted: the file and every directory above it for a regular file, else
// only the directories above it (the reader refuses the path itself, naming what it is).
std::optional<TrustFailure> policy_trust_failure(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) {
    return check_path_trust(file);
  }
  const std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec || !absolute.has_parent_path()) {
    return std::nullopt;
  }
  std::optional<TrustFailure> failure = check_path_trust(absolute.parent_path());
  if (failure) {
    failure->above = true;
  }
  return failure;
}

PolicyError untrusted_policy(const std::filesystem::path& file, const TrustFailure& failure) {
  return PolicyError(fmt::format(
      "{}; capstate reads no policy file that another user could change (it could make capstate "
      "load plugins from anywhere), so the command stopped before any device was opened; {}",
      trust_failure_text("policy file", file, failure),
      failure.fix.empty() ? "check the path and its directories"
                          : "fix it with: " + failure.fix + " (or remove the file)"));
}

}  // namespace

void merge_policy_text(Policy& policy, const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw PolicyError(fmt::format("{}:{}:{}: not valid TOML: {}", source, e.source().begin.line,
                                  e.source().begin.column, e.description()));
  }
  // Validate the whole file before changing anything, so a bad file leaves `policy` alone.
  Policy merged = policy;
  merge_table(root, Reader(source), merged);
  policy = std::move(merged);
}

void merge_policy_file(Policy& policy, const std::filesystem::path& file) {
  // Like sshd's StrictModes: a layer that someone other than root or the running user could have
  // written is refused before it is read (it could name plugin directories anywhere). A path that
  // is not a regular file (missing, a directory, a FIFO, a device) is refused by the reader below
  // with its own message; the directories above it are checked all the same.
  const std::optional<TrustFailure> failure = policy_trust_failure(file);
  if (failure && failure->examined) {
    throw untrusted_policy(file, *failure);
  }
  // Bounded, and never opens a FIFO or device node (which could block or never end). An empty
  // regular file is a valid, empty policy layer.
  std::string text;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec) || std::filesystem::file_size(file, ec) != 0 ||
      ec) {
    try {
      text = read_text_file_bounded(file, kMaxPolicyFileBytes);
    } catch (const FileError& e) {
      throw PolicyError(
          fmt::format("{}: cannot read the policy file: {}", file.string(), e.what()));
    }
  }
  if (failure) {  // could be read although its trust could not be examined: refused all the same
    throw untrusted_policy(file, *failure);
  }
  merge_policy_text(policy, text, file.string());
}

}  // namespace capstate::core
