// default_policy(), policy_root() and system_policy_files(): where a policy starts.
#include <algorithm>
#include <optional>
#include <string>
#include <system_error>

#include "policy/policy.hpp"

namespace capstate::core {
namespace {

template <class T>
Setting<T> builtin(T value) {
  return Setting<T>{std::move(value), kBuiltInSource};
}

}  // namespace

Policy default_policy() {
  Policy p;
  p.plugin_dirs = builtin(std::vector<std::string>{});
  p.disabled_plugins = builtin(std::vector<std::string>{});
  p.allow_untrusted_plugin_dirs = builtin(false);
  p.defaults.unhandled_capability = builtin(std::string("skip"));
  p.defaults.newer_record = builtin(std::string("fail"));
  p.defaults.lossy_downgrade = builtin(std::string("deny"));
  p.defaults.identity = builtin(std::string("exact"));
  p.defaults.identity_subsystem = builtin(false);
  p.defaults.verify = builtin(true);
  p.defaults.skip_capabilities = builtin(std::vector<std::string>{});
  p.defaults.plugin_failure = builtin(std::string("device"));
  p.defaults.bar_mismatch = builtin(std::string("refuse"));
  p.defaults.bound_driver = builtin(std::string("refuse"));
  p.undo = builtin(true);
  p.undo_dir = builtin(std::string("/var/lib/capstate/undo"));
  p.lock_dir = builtin(std::string("/run/lock/capstate"));
  p.live_update_devices = builtin(std::vector<std::string>{});
  p.live_update_state = builtin(std::string("/var/lib/capstate/live-update.state"));
  p.live_update_restore = builtin(std::string("early"));
  p.live_update_preflight = builtin(std::string("fail"));
  p.live_update_root = builtin(std::string());
  p.log_level = builtin(std::string("warn"));
  return p;
}

std::filesystem::path policy_root(const std::string& cli_root,
                                  const std::optional<std::string>& env_root) {
  if (!cli_root.empty()) {
    return cli_root;
  }
  if (env_root && !env_root->empty()) {
    return *env_root;
  }
  return "/";
}

std::vector<std::filesystem::path> system_policy_files(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  std::error_code ec;
  for (const fs::path& f :
       {root / "usr/lib/capstate/capstate.toml", root / "etc/capstate/capstate.toml"}) {
    if (fs::is_regular_file(f, ec)) {
      out.push_back(f);
    }
  }
  const fs::path confd = root / "etc/capstate/conf.d";
  std::vector<fs::path> drop_ins;
  if (fs::is_directory(confd, ec)) {
    for (const fs::directory_entry& e : fs::directory_iterator(confd, ec)) {
      if (e.path().extension() == ".toml" && e.is_regular_file(ec)) {
        drop_ins.push_back(e.path());
      }
    }
  }
  std::sort(drop_ins.begin(), drop_ins.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  out.insert(out.end(), drop_ins.begin(), drop_ins.end());
  return out;
}

Policy load_policy(const std::filesystem::path& root,
                   const std::vector<std::filesystem::path>& config_files) {
  Policy policy = default_policy();
  for (const std::filesystem::path& f : system_policy_files(root)) {
    merge_policy_file(policy, f);
  }
  for (const std::filesystem::path& f : config_files) {
    std::error_code ec;
    // Only a missing file is reported here; merge_policy_file refuses directories, FIFOs and
    // device nodes by name without opening them.
    if (!std::filesystem::exists(f, ec)) {
      throw PolicyError("--config " + f.string() +
                        ": no such file; give the path of a capstate.toml policy file");
    }
    merge_policy_file(policy, f);
  }
  return policy;
}

}  // namespace capstate::core
