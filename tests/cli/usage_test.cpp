// Test 8: exit codes (0 ok, 1 failure, 2 usage), --help on every verb, --version.
#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

struct VerbHelp {
  const char* verb;
  std::vector<std::string> options;  // each must appear in the verb's --help
};

TEST(Usage, HelpOnEveryVerbExitsZeroAndNamesItsOptions) {
  const std::vector<std::string> source = {"--sysfs-root",    "--dump",    "--image",
                                           "--image-address", "-s,--slot", "-d,--ids"};
  auto with_source = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), source.begin(), source.end());
    return extra;
  };
  const std::vector<VerbHelp> verbs = {
      {"list", with_source({})},
      {"discover", with_source({})},
      {"plugins", {"--help"}},
      {"save", with_source({"-o,--output"})},
      {"inspect", {"FILE"}},
      {"assemble", {"TOML", "-o,--output"}},
      {"restore", with_source({"-i,--input", "--dry-run", "--no-verify", "--output-dump",
                               "--identity", "--identity-subsystem", "--allow-lossy"})},
      {"diff", with_source({"FILE", "--identity", "--allow-lossy"})},
  };
  TempDir tmp;
  for (const VerbHelp& v : verbs) {
    SCOPED_TRACE(v.verb);
    const RunResult r = run_capstate(tmp, {v.verb, "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string("Usage: ")), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::string(" ") + v.verb + " "), std::string::npos) << r.out;
    for (const std::string& option : v.options) {
      EXPECT_NE(r.out.find(option), std::string::npos) << option << " missing in:\n" << r.out;
    }
  }
}

TEST(Usage, TopLevelHelpListsEveryVerbAndGlobalOption) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text :
       {"list", "discover", "plugins", "save", "inspect", "assemble", "restore", "diff",
        "-v,--verbose", "-q,--quiet", "--json", "--plugin-dir", "--version"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
  }
}

TEST(Usage, VersionPrintsTheProjectVersion) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("capstate ") + CAPSTATE_EXPECTED_VERSION + "\n");
}

TEST(Usage, UnknownOptionIsAUsageError) {
  TempDir tmp;
  const RunResult r =
      run_capstate(tmp, {"list", "--bogus", "--dump", data_file("qemu-q35-guest.xxxx.txt")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("The following argument was not expected: --bogus"), std::string::npos)
      << r.err;
}

TEST(Usage, MissingRequiredOutputIsAUsageError) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"save", "--dump", data_file("qemu-q35-guest.xxxx.txt")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--output is required"), std::string::npos) << r.err;
  const RunResult a = run_capstate(tmp, {"assemble", tmp.file("x.toml")});
  EXPECT_EQ(a.exit_code, 2);
  EXPECT_NE(a.err.find("--output is required"), std::string::npos) << a.err;
}

TEST(Usage, MissingVerbIsAUsageError) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("A subcommand is required"), std::string::npos) << r.err;
}

TEST(Usage, UnknownVerbIsNamed) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"frobnicate", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown verb 'frobnicate'"), std::string::npos) << r.err;
}

TEST(Usage, BadIdentityChoiceIsAUsageError) {
  TempDir tmp;
  const RunResult r =
      run_capstate(tmp, {"restore", "-i", tmp.file("s.cst"), "--dump",
                         data_file("qemu-q35-guest.xxxx.txt"), "--identity", "loose"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("loose"), std::string::npos) << r.err;
}

TEST(Usage, DumpAndImageTogetherIsAUsageError) {
  TempDir tmp;
  const RunResult r =
      run_capstate(tmp, {"list", "--dump", tmp.file("a"), "--image", tmp.file("b")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--dump excludes --image"), std::string::npos) << r.err;
}

TEST(Usage, MissingInputFilesAreFailures) {
  TempDir tmp;
  const std::string missing = tmp.file("missing.cst");
  const RunResult inspect = run_capstate(tmp, {"inspect", missing});
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_EQ(inspect.err, "capstate: error: cannot read '" + missing +
                             "': the file does not exist; check "
                             "the path\n");
  const RunResult list = run_capstate(tmp, {"list", "--dump", tmp.file("missing.txt")});
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_NE(list.err.find(tmp.file("missing.txt")), std::string::npos) << list.err;
  const RunResult restore =
      run_capstate(tmp, {"restore", "-i", missing, "--dump", data_file("qemu-q35-guest.xxxx.txt")});
  EXPECT_EQ(restore.exit_code, 1);
  EXPECT_NE(restore.err.find("cannot read '" + missing + "'"), std::string::npos) << restore.err;
}

TEST(Usage, SaveWithSelectionMatchingNothingFails) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"save", "--dump", data_file("qemu-q35-guest.xxxx.txt"),
                                         "-d", "10de:", "-o", tmp.file("s.cst")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("matches the selection; check -s/-d with 'capstate list'"),
            std::string::npos)
      << r.err;
}

// An explicit --plugin-dir must exist: a typo would otherwise silently leave the plugin out.
TEST(Usage, MissingPluginDirIsAUsageErrorBeforeAnythingElse) {
  TempDir tmp;
  const std::string missing = tmp.file("no-such-dir");
  const std::string out = tmp.file("s.cst");
  // Before the policy is read (the --config file does not exist either) and before the save.
  const RunResult r =
      run_capstate(tmp, {"--plugin-dir", missing, "--config", tmp.file("missing.toml"), "save",
                         "--dump", data_file("qemu-q35-guest.xxxx.txt"), "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "capstate: error: --plugin-dir '" + missing +
                       "' does not exist; give an existing directory that holds plugin .so files, "
                       "or leave the option out\n");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Usage, PluginDirAfterTheVerbAndAmongGoodOnesIsCheckedToo) {
  TempDir tmp;
  const std::string missing = tmp.file("gone");
  const RunResult r =
      run_capstate(tmp, {"plugins", "--plugin-dir", tmp.path().string(), "--plugin-dir", missing});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("--plugin-dir '" + missing + "' does not exist"), std::string::npos)
      << r.err;
}

TEST(Usage, PluginDirThatIsAFileIsAUsageErrorNamingItsDirectory) {
  TempDir tmp;
  const std::string file = tmp.file("pm.so");
  write_text(file, "a file, not a directory\n");
  const RunResult r = run_capstate(tmp, {"plugins", "--plugin-dir", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "capstate: error: --plugin-dir '" + file +
                       "' is not a directory; give the directory that holds the plugin .so files "
                       "(for a plugin file: --plugin-dir '" +
                       tmp.path().string() + "')\n");
}

// Only the command-line option is strict; the environment and policy may name directories that
// do not exist (yet), as before.
TEST(Usage, MissingDirectoriesFromTheEnvironmentOrPolicyAreSkipped) {
  TempDir tmp;
  const std::string policy = tmp.file("policy.toml");
  write_text(policy, "plugin_dirs = [\"" + tmp.file("policy-gone") + "\"]\n");
  const RunResult r = run_capstate(
      tmp, {"--config-root", tmp.path().string(), "--config", policy, "plugins"},
      {.env = {"CAPSTATE_PLUGIN_PATH=" + tmp.file("env-gone") + ":" + tmp.file("env-gone-2")}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("    loaded   standard 0x10; "), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace capstate::clitest
