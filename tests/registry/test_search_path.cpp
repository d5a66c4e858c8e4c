// plugin_search_path(): --plugin-dir, the CAPSTATE_PLUGIN_PATH value passed in, policy dirs,
// then the default. The environment itself is never read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "registry/registry.hpp"
#include "support/scoped_env.hpp"

namespace fs = std::filesystem;
using ::testing::ElementsAre;

namespace capstate::core {
namespace {

// What the last element must be for a test binary in build/tests/.
fs::path expected_default() {
  const fs::path build_tree = fs::path(CAPSTATE_BINARY_DIR) / "lib" / "capstate" / "plugins";
  return fs::is_directory(build_tree) ? build_tree.lexically_normal()
                                      : fs::path(CAPSTATE_TEST_INSTALL_PLUGIN_DIR);
}

TEST(PluginSearchPath, OrderIsCliEnvPolicyDefault) {
  const testsupport::ScopedEnv env("CAPSTATE_PLUGIN_PATH", "/ignored/env");
  const auto path = plugin_search_path({"/cli/a", "/cli/b/"}, "/env/one::/env/two:", {"/policy/p"});
  EXPECT_THAT(path, ElementsAre(fs::path("/cli/a"), fs::path("/cli/b"), fs::path("/env/one"),
                                fs::path("/env/two"), fs::path("/policy/p"), expected_default()));
}

TEST(PluginSearchPath, DuplicatesKeepTheirFirstPlace) {
  const auto path = plugin_search_path({"/x", "/c"}, "/p:/a/../c:/x", {"/p/", "/y", "/x"});
  EXPECT_THAT(path, ElementsAre(fs::path("/x"), fs::path("/c"), fs::path("/p"), fs::path("/y"),
                                expected_default()));
}

TEST(PluginSearchPath, NothingGivenIsJustTheDefault) {
  const testsupport::ScopedEnv env("CAPSTATE_PLUGIN_PATH", "/ignored/env");
  EXPECT_THAT(plugin_search_path({}, std::nullopt, {}), ElementsAre(expected_default()));
  EXPECT_THAT(plugin_search_path({""}, "", {}), ElementsAre(expected_default()));
}

TEST(PluginSearchPath, DefaultIsTheBuildTreeWhenItExists) {
  // The test binary lives in build/tests/, so <exe dir>/../lib/capstate/plugins is build/lib/...
  const fs::path build_tree = fs::path(CAPSTATE_BINARY_DIR) / "lib" / "capstate" / "plugins";
  if (!fs::is_directory(build_tree)) {
    GTEST_SKIP() << "no in-tree plugins built in " << build_tree;
  }
  EXPECT_EQ(plugin_search_path({}, std::nullopt, {}).back(), build_tree.lexically_normal());
}

}  // namespace
}  // namespace capstate::core
