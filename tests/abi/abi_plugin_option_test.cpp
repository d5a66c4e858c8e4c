// `capstate abi dump/check --plugin NAME`: an out-of-tree plugin (the SDK's example "pm-example",
// loaded with --plugin-dir) kept with a baseline directory of its own, next to the in-tree plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "abi/plugin_abi.hpp"
#include "abi_test_util.hpp"

namespace capstate::abitest {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class AbiPluginOption : public ::testing::Test {
 protected:
  // A private copy of the example plugin, in a directory the registry trusts whatever the umask,
  // and a policy that disables the in-tree plugin "pm": it claims standard:0x01 as the example
  // does, and loaded together one of the two would be refused (a warning on stderr).
  void SetUp() override {
    write_text(policy_, "disabled_plugins = [\"pm\"]\n");
    fs::create_directories(plugins_);
    fs::permissions(plugins_, fs::perms(0755));
    fs::copy_file(fs::path(CAPSTATE_BINARY_DIR) / "example-plugins/pm-example.so",
                  plugins_ / "pm-example.so");
    fs::permissions(plugins_ / "pm-example.so", fs::perms(0755));
  }

  // capstate --plugin-dir <pm-example's directory> --config <policy_> `args` (the in-tree plugins
  // but pm load as well).
  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-dir", plugins_.string(), "--config", policy_.string()});
    return run_capstate(tmp_, args);
  }

  // pm-example's baseline, dumped alone into baseline_; returns its schema files there
  // ("pm-example/schema-1.txt").
  std::vector<std::string> dump_pm_example() {
    const RunResult r = run({"abi", "dump", "-o", baseline_.string(), "--plugin", "pm-example"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> schemas;
    for (const std::string& rel : files_below(baseline_)) {
      if (rel.rfind("pm-example/schema-", 0) == 0) {
        schemas.push_back(rel);
      }
    }
    EXPECT_FALSE(schemas.empty()) << r.out << r.err;
    return schemas;
  }

  TempDir tmp_;
  fs::path plugins_ = tmp_.path() / "pm-example-plugins";
  fs::path baseline_ = tmp_.path() / "pm-example-abi";
  fs::path policy_ = tmp_.path() / "no-in-tree-pm.toml";
};

TEST_F(AbiPluginOption, DumpWritesOnlyTheNamedPlugin) {
  const RunResult r = run({"abi", "dump", "-o", baseline_.string(), "--plugin", "pm-example"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("pm-example: schemas "));
  EXPECT_THAT(r.out, HasSubstr(" written to " + (baseline_ / "pm-example").string() + "\n"));
  EXPECT_THAT(r.out, AllOf(Not(HasSubstr("pcie")), Not(HasSubstr("msix")), Not(HasSubstr("ltr"))));
  const std::vector<std::string> files = files_below(baseline_);
  EXPECT_THAT(files, Contains("pm-example/plugin.txt"));
  EXPECT_THAT(files, Contains(StartsWith("pm-example/schema-")));
  for (const std::string& rel : files) {
    EXPECT_THAT(rel, StartsWith("pm-example/"));
  }
  EXPECT_THAT(read_text(baseline_ / "pm-example/plugin.txt"), HasSubstr("\nname pm-example\n"));
}

TEST_F(AbiPluginOption, RepeatedPluginOptionDumpsEachNamedPlugin) {
  const RunResult r =
      run({"abi", "dump", "-o", baseline_.string(), "--plugin", "pm-example", "--plugin", "ltr"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& rel : files_below(baseline_)) {
    EXPECT_TRUE(rel.rfind("pm-example/", 0) == 0 || rel.rfind("ltr/", 0) == 0) << rel;
  }
  EXPECT_TRUE(fs::exists(baseline_ / "ltr/plugin.txt"));
  EXPECT_TRUE(fs::exists(baseline_ / "pm-example/plugin.txt"));
}

TEST_F(AbiPluginOption, CheckAgainstItsOwnBaselinePassesWithoutTheInTreePlugins) {
  dump_pm_example();
  const RunResult r =
      run({"abi", "check", "--baseline", baseline_.string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("pm-example: schemas "));
  EXPECT_THAT(r.out, HasSubstr(" match the baseline\n"));
  EXPECT_EQ(lines_of(r.out).size(), 1U) << r.out;
  EXPECT_EQ(r.err, "");
  // Without --plugin every loaded plugin is checked, and the in-tree ones have no baseline here.
  const RunResult all = run({"abi", "check", "--baseline", baseline_.string()});
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_THAT(all.err, HasSubstr("plugin 'ltr': loaded but has no baseline directory ltr/"));
}

TEST_F(AbiPluginOption, JsonCheckListsOnlyTheNamedPlugin) {
  dump_pm_example();
  const RunResult r =
      run({"--json", "abi", "check", "--baseline", baseline_.string(), "--plugin", "pm-example"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("ok"), true);
  ASSERT_EQ(doc.at("plugins").size(), 1U) << r.out;
  EXPECT_EQ(doc.at("plugins")[0].at("name"), "pm-example");
}

TEST_F(AbiPluginOption, OtherPluginsBaselinesInTheDirectoryAreNotRead) {
  dump_pm_example();
  // A malformed baseline of another plugin and one of a plugin that is not loaded at all.
  write_text(baseline_ / "pcie/plugin.txt", "not a baseline\n");
  ASSERT_EQ(run_capstate(tmp_, {"abi", "dump", "-o", (tmp_.path() / "other").string()}).exit_code,
            0);
  fs::copy(tmp_.path() / "other/msix", baseline_ / "retired");
  write_text(baseline_ / "retired/plugin.txt",
             "capstate-abi-plugin 1\nname retired\noldest_schema 1\ncurrent_schema 2\n");
  const RunResult r =
      run({"abi", "check", "--baseline", baseline_.string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(run({"abi", "check", "--baseline", baseline_.string()}).exit_code, 0);
}

TEST_F(AbiPluginOption, InTreePluginAgainstTheCommittedBaselineIgnoresTheOutOfTreeOne) {
  const RunResult r =
      run({"abi", "check", "--baseline", committed_baseline().string(), "--plugin", "pcie"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "pcie: schemas 1..2 match the baseline\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(AbiPluginOption, NamedPluginWithoutABaselineDirectoryFails) {
  const RunResult r =
      run({"abi", "check", "--baseline", committed_baseline().string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("plugin 'pm-example': loaded but has no baseline directory pm-example/"));
  EXPECT_THAT(r.err, HasSubstr("abi check: 1 problem between the plugins and the baseline"));
  EXPECT_THAT(r.err, Not(HasSubstr("'ltr'")));
}

TEST_F(AbiPluginOption, ChangedLayoutFailsNamingPmExample) {
  const std::vector<std::string> schemas = dump_pm_example();
  ASSERT_FALSE(schemas.empty());
  const fs::path file = baseline_ / schemas.front();
  // Rename the first field in the baseline, with a fingerprint that matches the edited text: the
  // plugin as built no longer matches its released layout.
  std::string text = read_text(file);
  text = text.substr(0, text.rfind("fingerprint "));
  const std::size_t field = text.find("\nfield ");
  ASSERT_NE(field, std::string::npos) << text;
  text.insert(field + 7, "renamed_");
  write_text(file, core::schema_file_text(text));
  const RunResult r =
      run({"abi", "check", "--baseline", baseline_.string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("plugin 'pm-example' schema "));
  EXPECT_THAT(r.err, HasSubstr(": released layout changed at field 'renamed_"));
  EXPECT_THAT(r.err, HasSubstr("abi check: 1 problem between the plugins and the baseline " +
                               baseline_.string()));
  EXPECT_THAT(r.err, AllOf(Not(HasSubstr("'pcie'")), Not(HasSubstr("'ltr'"))));
}

TEST_F(AbiPluginOption, HandEditedLineFailsNamingPmExamplesFile) {
  const std::vector<std::string> schemas = dump_pm_example();
  ASSERT_FALSE(schemas.empty());
  const fs::path file = baseline_ / schemas.front();
  std::string text = read_text(file);
  const std::size_t field = text.find("\nfield ");
  ASSERT_NE(field, std::string::npos) << text;
  text.insert(field + 7, "renamed_");
  write_text(file, text);
  const RunResult r =
      run({"abi", "check", "--baseline", baseline_.string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":"));
  EXPECT_THAT(r.err, HasSubstr("does not match the text above it"));
}

TEST_F(AbiPluginOption, UnknownPluginIsAnErrorNamingTheLoadedPlugins) {
  dump_pm_example();
  RunResult r = run({"abi", "check", "--baseline", baseline_.string(), "--plugin", "pn"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("abi check: --plugin 'pn' is not a loaded plugin; loaded plugins: " +
                               bundled_plugin_list({"pm-example"}, {"pm"}) +
                               " (searched: " + plugins_.string()));
  EXPECT_THAT(r.err, HasSubstr("add the plugin's directory with --plugin-dir"));
  const fs::path out = tmp_.path() / "unwritten";
  r = run({"abi", "dump", "-o", out.string(), "--plugin", "pm-example", "--plugin", "pn"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("abi dump: --plugin 'pn' is not a loaded plugin"));
  EXPECT_FALSE(fs::exists(out));
  // Without --plugin-dir, pm-example itself is unknown.
  r = run_capstate(tmp_, {"--json", "abi", "dump", "-o", out.string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json error = nlohmann::json::parse(r.out).at("error");
  EXPECT_EQ(error.at("kind"), "plugin");
  EXPECT_EQ(error.at("plugin"), "pm-example");
  // No policy here: the in-tree pm loads.
  std::string loaded;
  for (const auto& name : error.at("loaded")) {
    loaded += (loaded.empty() ? "" : ", ") + name.get<std::string>();
  }
  EXPECT_EQ(loaded, bundled_plugin_list());
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(AbiPluginOption, PluginFoundButNotLoadedSaysWhy) {
  const fs::path policy = tmp_.path() / "policy.toml";
  // A later --config replaces run()'s disabled_plugins: keep the in-tree pm disabled too.
  write_text(policy, "disabled_plugins = [\"pm-example\", \"pm\"]\n");
  const RunResult r = run({"--config-root", tmp_.path().string(), "--config", policy.string(),
                           "abi", "dump", "-o", baseline_.string(), "--plugin", "pm-example"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--plugin 'pm-example' is not a loaded plugin (" +
                               (plugins_ / "pm-example.so").string() +
                               " is disabled: plugin 'pm-example' is disabled by policy); loaded "
                               "plugins: " +
                               bundled_plugin_list({}, {"pm"}) + " ("));
}

}  // namespace
}  // namespace capstate::abitest
