// The library reads no environment variable: CAPSTATE_CONFIG_ROOT, CAPSTATE_PLUGIN_PATH and
// CAPSTATE_DATA_DIR are read by the command line and passed in. Each function that takes such a
// value honours the value given and ignores the variable, and no library source calls getenv.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "discovery/capability_names.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "support/file_text.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace capstate::policytest {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;
using testsupport::ScopedEnv;

TEST(LibraryEnvironment, PolicyRootIsTheValuePassedInNotTheVariable) {
  const ScopedEnv env("CAPSTATE_CONFIG_ROOT", "/from/the/environment");
  EXPECT_EQ(core::policy_root("", std::nullopt), "/");
  EXPECT_EQ(core::policy_root("", "/passed/in"), "/passed/in");
  EXPECT_EQ(core::policy_root("/from/flag", "/passed/in"), "/from/flag");
}

TEST(LibraryEnvironment, PolicyLoadsFromTheRootPassedIn) {
  testsupport::TempDir tmp;
  testsupport::write_text(tmp / "given/etc/capstate/capstate.toml", "undo_dir = \"/given/undo\"\n");
  testsupport::write_text(tmp / "decoy/etc/capstate/capstate.toml", "undo_dir = \"/decoy/undo\"\n");
  const ScopedEnv env("CAPSTATE_CONFIG_ROOT", (tmp / "decoy").string());
  const core::Policy p = core::load_policy(core::policy_root("", (tmp / "given").string()), {});
  EXPECT_EQ(p.undo_dir.value, "/given/undo");
  EXPECT_EQ(p.undo_dir.source, (tmp / "given/etc/capstate/capstate.toml").string() + ":1");
  // Nothing passed in: the system root, whatever the variable says.
  EXPECT_EQ(core::policy_root("", std::nullopt), "/");
}

TEST(LibraryEnvironment, PluginSearchPathUsesTheValuePassedInNotTheVariable) {
  const ScopedEnv env("CAPSTATE_PLUGIN_PATH", "/from/the/environment");
  const std::vector<fs::path> none = core::plugin_search_path({}, std::nullopt, {});
  EXPECT_THAT(none, Not(Contains(fs::path("/from/the/environment"))));
  EXPECT_EQ(none.size(), 1U);  // only the default directory
  const std::vector<fs::path> given = core::plugin_search_path({"/cli"}, "/given/a:/given/b", {});
  ASSERT_EQ(given.size(), 4U);
  EXPECT_EQ(given[0], fs::path("/cli"));
  EXPECT_EQ(given[1], fs::path("/given/a"));
  EXPECT_EQ(given[2], fs::path("/given/b"));
  EXPECT_THAT(given, Not(Contains(fs::path("/from/the/environment"))));
}

TEST(LibraryEnvironment, CapabilityNamesUseTheDataDirPassedInNotTheVariable) {
  testsupport::TempDir tmp;
  testsupport::write_text(tmp / "decoy/capability-names.toml",
                          "[standard]\n\"0x11\" = \"Decoy\"\n");
  testsupport::write_text(tmp / "given/capability-names.toml",
                          "[standard]\n\"0x11\" = \"Given\"\n");
  const ScopedEnv env("CAPSTATE_DATA_DIR", (tmp / "decoy").string());
  const CapabilityId msix{CapKind::standard, 0x11};
  EXPECT_EQ(core::CapabilityNames::load_default((tmp / "given").string()).name(msix), "Given");
  const std::optional<fs::path> found = core::CapabilityNames::find_default_file(std::nullopt);
  ASSERT_TRUE(found.has_value());
  EXPECT_NE(found->parent_path(), tmp / "decoy");
}

// The house rule itself: no source of the library (core/ without core/cli/) reads the
// environment.
TEST(LibraryEnvironment, NoLibrarySourceReadsTheEnvironment) {
  const fs::path core = fs::path(CAPSTATE_SOURCE_DIR) / "core";
  const std::regex reads_env(R"(\b(secure_getenv|getenv|environ)\b)");
  std::vector<std::string> hits;
  std::size_t files = 0;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(core)) {
    const fs::path rel = e.path().lexically_relative(core);
    if (!e.is_regular_file() || *rel.begin() == "cli" ||
        (e.path().extension() != ".cpp" && e.path().extension() != ".hpp")) {
      continue;
    }
    ++files;
    std::istringstream lines(testsupport::read_text(e.path()));
    std::string line;
    for (int n = 1; std::getline(lines, line); ++n) {
      if (std::regex_search(line, reads_env)) {
        hits.push_back(rel.string() + ":" + std::to_string(n) + ": " + line);
      }
    }
  }
  EXPECT_GT(files, 50U);
  EXPECT_THAT(hits, IsEmpty());
}

}  // namespace
}  // namespace capstate::policytest
