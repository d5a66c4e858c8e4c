// Test support for the ABI tests.
#include "abi_test_util.hpp"

#include <algorithm>

namespace capstate::abitest {
namespace fs = std::filesystem;

RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args) {
  std::vector<std::string> argv{std::string(CAPSTATE_BINARY_DIR) + "/bin/capstate"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testsupport::run_process(
      argv, {.unset_env = {"CAPSTATE_PLUGIN_PATH"}, .working_dir = tmp.path()});
}

fs::path build_plugin_dir() {
  return fs::path(CAPSTATE_BINARY_DIR) / "lib/capstate/plugins";
}

fs::path committed_baseline() {
  return fs::path(CAPSTATE_SOURCE_DIR) / "abi";
}

std::vector<std::string> files_below(const fs::path& dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      out.push_back(fs::relative(e.path(), dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, unsigned>> baseline_plugins() {
  std::vector<std::pair<std::string, unsigned>> out;
  for (const fs::directory_entry& e : fs::directory_iterator(committed_baseline())) {
    if (!e.is_directory()) {
      continue;
    }
    unsigned schemas = 0;
    for (const fs::directory_entry& f : fs::directory_iterator(e.path())) {
      schemas += f.path().filename().string().rfind("schema-", 0) == 0 ? 1U : 0U;
    }
    out.emplace_back(e.path().filename().string(), schemas);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string bundled_plugin_list(const std::vector<std::string>& extra,
                                const std::vector<std::string>& without) {
  std::vector<std::string> names = extra;
  for (const fs::directory_entry& e : fs::directory_iterator(build_plugin_dir())) {
    const std::string name = e.path().stem().string();
    if (e.path().extension() == ".so" &&
        std::find(without.begin(), without.end(), name) == without.end()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

}  // namespace capstate::abitest
