// `capstate --json abi check`: an object naming every plugin that matches, or the standard JSON
// error (kind "plugin") listing every problem, with the same problems on stderr.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "abi/abi_compare.hpp"
#include "abi_test_util.hpp"

namespace capstate::abitest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(AbiCheckJson, SuccessIsAnObjectListingEachPlugin) {
  TempDir tmp;
  const std::string baseline = committed_baseline().string();
  const RunResult run = run_capstate(tmp, {"--json", "abi", "check", "--baseline", baseline});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc.at("ok"), true);
  EXPECT_EQ(doc.at("baseline"), baseline);
  const nlohmann::json& plugins = doc.at("plugins");
  const auto expected = baseline_plugins();
  ASSERT_EQ(plugins.size(), expected.size());
  // Every baseline plugin, in name order, with its schema window and summary line.
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [name, schemas] = expected[i];
    EXPECT_EQ(plugins[i],
              (nlohmann::json{{"name", name},
                              {"oldest", 1},
                              {"current", schemas},
                              {"summary", name + ": schemas 1.." + std::to_string(schemas) +
                                              " match the baseline"}}));
  }
  EXPECT_EQ(plugins[0].at("name"), "acs");
}

TEST(AbiCheckJson, FailureIsTheStandardErrorWithEveryProblem) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "abi";
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", dir.string()}).exit_code, 0);
  fs::remove_all(dir / "ltr");
  fs::remove_all(dir / "msix");
  const RunResult run = run_capstate(tmp, {"--json", "abi", "check", "--baseline", dir.string()});
  EXPECT_EQ(run.exit_code, 1);
  const nlohmann::json doc = nlohmann::json::parse(run.out);
  ASSERT_EQ(doc.size(), 1U) << run.out;
  const nlohmann::json& error = doc.at("error");
  EXPECT_EQ(error.at("kind"), "plugin");
  EXPECT_EQ(error.at("exit_code"), 1);
  EXPECT_EQ(error.at("baseline"), dir.string());
  EXPECT_EQ(error.at("message"), "abi check: 2 problems between the plugins and the baseline " +
                                     dir.string() + " (each one is above, with what to do)");
  const nlohmann::json& problems = error.at("problems");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_THAT(problems[0].get<std::string>(),
              HasSubstr("plugin 'ltr': loaded but has no baseline directory ltr/"));
  EXPECT_THAT(problems[1].get<std::string>(),
              HasSubstr("plugin 'msix': loaded but has no baseline directory msix/"));
  // stderr: one error line per problem, then the summary line.
  std::vector<std::string> lines;
  for (const std::string& line : lines_of(run.err)) {
    if (line.rfind("capstate: error: ", 0) == 0) {
      lines.push_back(line);
    }
  }
  ASSERT_EQ(lines.size(), 3U) << run.err;
  EXPECT_EQ(lines[0], "capstate: error: abi check: " + problems[0].get<std::string>());
  EXPECT_EQ(lines[1], "capstate: error: abi check: " + problems[1].get<std::string>());
  EXPECT_EQ(lines[2], "capstate: error: " + error.at("message").get<std::string>());
}

TEST(AbiCheckJson, TextModeFailurePrintsTheSameLinesAndNothingOnStdout) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "abi";
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", dir.string()}).exit_code, 0);
  fs::remove_all(dir / "msix");
  const RunResult text = run_capstate(tmp, {"abi", "check", "--baseline", dir.string()});
  const RunResult json = run_capstate(tmp, {"--json", "abi", "check", "--baseline", dir.string()});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.out, "");
  EXPECT_EQ(text.err, json.err);
  EXPECT_THAT(text.err, HasSubstr("abi check: 1 problem between the plugins and the baseline"));
}

}  // namespace
}  // namespace capstate::abitest
