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

}  // namespace capstate::abitest
