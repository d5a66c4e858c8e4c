// Validation: every kind of bad policy names file:line:column, the key and what is expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/policy.hpp"
#include "policy_files.hpp"

namespace capstate::policytest {
namespace {

using ::testing::HasSubstr;

// The PolicyError text for `text` merged as "bad.toml", or "(accepted)".
std::string error_of(const std::string& text) {
  core::Policy p = core::default_policy();
  try {
    core::merge_policy_text(p, text, "bad.toml");
  } catch (const core::PolicyError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(PolicyErrors, SyntaxErrorNamesLineAndColumn) {
  EXPECT_THAT(error_of("verify = true\nidentity = \"ids\n"), HasSubstr("bad.toml:2:"));
  EXPECT_THAT(error_of("verify = true\nidentity = \"ids\n"), HasSubstr("not valid TOML"));
}

TEST(PolicyErrors, NewKeysAreValidated) {
  EXPECT_THAT(error_of("plugin_failure = \"some\"\n"),
              HasSubstr("bad.toml:1:18: key 'plugin_failure' is \"some\"; expected one of "
                        "\"abort\", \"device\", \"capability\""));
  EXPECT_THAT(error_of("live_update_restore = \"never\"\n"),
              HasSubstr("key 'live_update_restore' is \"never\"; expected one of \"early\", "
                        "\"late\", \"off\""));
  EXPECT_THAT(error_of("live_update_devices = \"0000:01:00.0\"\n"),
              HasSubstr("key 'live_update_devices' must be an array of strings, found a string"));
  EXPECT_THAT(error_of("lock_dir = 5\n"), HasSubstr("key 'lock_dir' must be a string"));
}

TEST(PolicyErrors, UnknownTopLevelKey) {
  EXPECT_THAT(error_of("verify = true\n  verfy = false\n"),
              HasSubstr("bad.toml:2:3: unknown key 'verfy'"));
}

TEST(PolicyErrors, WrongTypeBoolean) {
  EXPECT_THAT(error_of("\nverify = \"no\"\n"),
              HasSubstr("bad.toml:2:10: key 'verify' must be a boolean (true or false), found a "
                        "string"));
}

TEST(PolicyErrors, WrongTypeString) {
  EXPECT_THAT(error_of("identity = 1\n"),
              HasSubstr("bad.toml:1:12: key 'identity' must be a string (one of \"exact\", "
                        "\"ids\", \"none\"), found an integer"));
}

TEST(PolicyErrors, WrongTypeArray) {
  EXPECT_THAT(error_of("disabled_plugins = \"msix\"\n"),
              HasSubstr("bad.toml:1:20: key 'disabled_plugins' must be an array of strings, "
                        "found a string"));
  EXPECT_THAT(error_of("plugin_dirs = [\"/a\", 3]\n"),
              HasSubstr("bad.toml:1:22: key 'plugin_dirs' must be an array of strings; this item "
                        "is an integer"));
}

TEST(PolicyErrors, BadValuesListTheChoices) {
  EXPECT_THAT(error_of("unhandled_capability = \"ignore\"\n"),
              HasSubstr("bad.toml:1:24: key 'unhandled_capability' is \"ignore\"; expected one "
                        "of \"skip\", \"fail\""));
  EXPECT_THAT(error_of("newer_record = \"x\"\n"),
              HasSubstr("key 'newer_record' is \"x\"; expected one of \"fail\", \"skip\""));
  EXPECT_THAT(error_of("lossy_downgrade = \"x\"\n"),
              HasSubstr("key 'lossy_downgrade' is \"x\"; expected one of \"deny\", \"allow\""));
  EXPECT_THAT(error_of("log_level = \"loud\"\n"),
              HasSubstr("key 'log_level' is \"loud\"; expected one of \"trace\", \"debug\", "
                        "\"info\", \"warn\", \"error\", \"off\""));
}

TEST(PolicyErrors, BadCapabilityKeys) {
  EXPECT_THAT(error_of("skip_capabilities = [\"msix\"]\n"),
              HasSubstr("bad.toml:1:22: key 'skip_capabilities': \"msix\" is not a capability "
                        "key; expected \"standard:0xNN\" or \"extended:0xNNNN\""));
  EXPECT_THAT(error_of("[plugin_winner]\n\"pcie\" = \"pcie\"\n"),
              HasSubstr("bad.toml:2:1: plugin_winner key \"pcie\" is not a capability key"));
  EXPECT_THAT(error_of("[plugin_winner]\n\"standard:0x10\" = 1\n"),
              HasSubstr("bad.toml:2:19: key 'plugin_winner.standard:0x10' must be a string"));
  EXPECT_THAT(error_of("plugin_winner = 3\n"),
              HasSubstr("bad.toml:1:17: key 'plugin_winner' must be a table"));
}

TEST(PolicyErrors, DeviceTables) {
  EXPECT_THAT(error_of("[[device]]\nidentity = \"ids\"\n"),
              HasSubstr("bad.toml:1:1: [[device]] table without 'match'"));
  EXPECT_THAT(error_of("[[device]]\nmatch = \"8086:10d3\"\nplugin_dirs = []\n"),
              HasSubstr("bad.toml:3:1: unknown key 'device.plugin_dirs'"));
  EXPECT_THAT(error_of("[[device]]\nmatch = \"8086:10d3\"\nverify = 0\n"),
              HasSubstr("bad.toml:3:10: key 'verify' must be a boolean"));
  EXPECT_THAT(error_of("[[device]]\nmatch = \"\"\n"),
              HasSubstr("bad.toml:2:9: key 'device.match' is empty"));
  EXPECT_THAT(error_of("device = 1\n"),
              HasSubstr("bad.toml:1:10: 'device' must be an array of tables ([[device]])"));
}

TEST(PolicyErrors, ABadFileChangesNothing) {
  core::Policy p = core::default_policy();
  EXPECT_THROW(core::merge_policy_text(p, "verify = false\nidentity = 7\n", "bad.toml"),
               core::PolicyError);
  EXPECT_TRUE(p.defaults.verify.value);
  EXPECT_EQ(p.defaults.verify.source, "built-in default");
}

TEST(PolicyErrors, MissingConfigFileIsAnErrorMissingSystemFileIsNot) {
  clitest::TempDir root;
  EXPECT_NO_THROW(core::load_policy(root.path(), {}));
  try {
    core::load_policy(root.path(), {root.path() / "nope.toml"});
    FAIL() << "a missing --config file was accepted";
  } catch (const core::PolicyError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("--config " + (root.path() / "nope.toml").string() + ": no such file"));
  }
}

TEST(PolicyErrors, BadSystemFileNamesItsPath) {
  clitest::TempDir root;
  const std::string file = put(root.path(), "etc/capstate/conf.d/50-x.toml", "undo = \"yes\"\n");
  try {
    core::load_policy(root.path(), {});
    FAIL() << "a bad drop-in was accepted";
  } catch (const core::PolicyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(file + ":1:8: key 'undo' must be a boolean"));
  }
}

}  // namespace
}  // namespace capstate::policytest
