// `capstate config show` (text and --json), the layers as the binary sees them, and --config /
// --config-root accepted before or after the verb.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "policy_files.hpp"

namespace capstate::policytest {
namespace {

using clitest::run_capstate;
using ::testing::HasSubstr;

TEST(ConfigShow, DefaultsWithTheirSource) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--config-root", tmp.path().string(), "config", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "plugin_dirs = []  # from built-in default\n"
            "disabled_plugins = []  # from built-in default\n"
            "plugin_winner = {}  # from built-in default\n"
            "allow_untrusted_plugin_dirs = false  # from built-in default\n"
            "unhandled_capability = \"skip\"  # from built-in default\n"
            "newer_record = \"fail\"  # from built-in default\n"
            "lossy_downgrade = \"deny\"  # from built-in default\n"
            "identity = \"exact\"  # from built-in default\n"
            "identity_subsystem = false  # from built-in default\n"
            "verify = true  # from built-in default\n"
            "skip_capabilities = []  # from built-in default\n"
            "plugin_failure = \"device\"  # from built-in default\n"
            "bar_mismatch = \"refuse\"  # from built-in default\n"
            "bound_driver = \"refuse\"  # from built-in default\n"
            "undo = true  # from built-in default\n"
            "undo_dir = \"/var/lib/capstate/undo\"  # from built-in default\n"
            "lock_dir = \"/run/lock/capstate\"  # from built-in default\n"
            "live_update_devices = []  # from built-in default\n"
            "live_update_state = \"/var/lib/capstate/live-update.state\"  # from built-in "
            "default\n"
            "live_update_restore = \"early\"  # from built-in default\n"
            "live_update_preflight = \"fail\"  # from built-in default\n"
            "live_update_root = \"\"  # from built-in default\n"
            "log_level = \"warn\"  # from built-in default\n");
}

TEST(ConfigShow, EveryLayerAndTheFlagAppearAsSources) {
  TempDir tmp;
  const std::string usr = put(tmp.path(), "usr/lib/capstate/capstate.toml", "undo = false\n");
  const std::string etc = put(tmp.path(), "etc/capstate/capstate.toml", "\nverify = false\n");
  const std::string dropin =
      put(tmp.path(), "etc/capstate/conf.d/10-ids.toml", "\n\nidentity = \"ids\"\n");
  const std::string extra = put(tmp.path(), "extra.toml",
                                "[plugin_winner]\n\"standard:0x10\" = \"pcie\"\n"
                                "[[device]]\nmatch = \"0000:02:*\"\nverify = true\n");
  // --config before the verb, -v after it.
  const RunResult r = run_capstate(tmp, {"--config", extra, "config", "show", "-v"},
                                   {.env = {"CAPSTATE_CONFIG_ROOT=" + tmp.path().string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nundo = false  # from " + usr + ":1\n"));
  EXPECT_THAT(r.out, HasSubstr("\nverify = false  # from " + etc + ":2\n"));
  EXPECT_THAT(r.out, HasSubstr("\nidentity = \"ids\"  # from " + dropin + ":3\n"));
  EXPECT_THAT(r.out,
              HasSubstr("\nplugin_winner.\"standard:0x10\" = \"pcie\"  # from " + extra + ":2\n"));
  EXPECT_THAT(r.out, HasSubstr("\nlog_level = \"info\"  # from -v\n"));
  EXPECT_THAT(r.out, HasSubstr("\n[[device]]  # from " + extra +
                               ":3\nmatch = \"0000:02:*\"\n"
                               "verify = true  # from " +
                               extra + ":5\n"));
}

TEST(ConfigShow, JsonHasValueAndSourceForEveryKey) {
  TempDir tmp;
  const std::string extra = put(tmp.path(), "a.toml",
                                "disabled_plugins = [\"msix\"]\n"
                                "[[device]]\nmatch = \"8086:10d3\"\nidentity = \"none\"\n");
  // --config and --config-root after the verb.
  const RunResult r = run_capstate(
      tmp, {"config", "show", "--json", "--config", extra, "--config-root", tmp.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("disabled_plugins").at("value"), nlohmann::json::array({"msix"}));
  EXPECT_EQ(j.at("disabled_plugins").at("source"), extra + ":1");
  EXPECT_EQ(j.at("verify").at("value"), true);
  EXPECT_EQ(j.at("verify").at("source"), "built-in default");
  EXPECT_EQ(j.at("undo_dir").at("value"), "/var/lib/capstate/undo");
  EXPECT_EQ(j.at("plugin_winner"), nlohmann::json::object());
  ASSERT_EQ(j.at("device").size(), 1U);
  EXPECT_EQ(j.at("device")[0].at("match"), "8086:10d3");
  EXPECT_EQ(j.at("device")[0].at("source"), extra + ":2");
  EXPECT_EQ(j.at("device")[0].at("identity").at("value"), "none");
  EXPECT_EQ(j.at("device")[0].at("identity").at("source"), extra + ":4");
  EXPECT_EQ(j.at("live_update_restore").at("value"), "early");
  EXPECT_EQ(j.at("bar_mismatch").at("value"), "refuse");
  EXPECT_EQ(j.at("bound_driver").at("source"), "built-in default");
  EXPECT_EQ(j.at("plugin_options"), nlohmann::json::object());
  EXPECT_EQ(j.at("live_update_preflight").at("value"), "fail");
  EXPECT_EQ(j.at("live_update_root").at("value"), "");
  EXPECT_EQ(j.size(), 25U);
}

TEST(ConfigShow, LaterConfigFlagWins) {
  TempDir tmp;
  const std::string a = put(tmp.path(), "a.toml", "log_level = \"debug\"\n");
  const std::string b = put(tmp.path(), "b.toml", "log_level = \"off\"\n");
  const RunResult r = run_capstate(
      tmp, {"--config-root", tmp.path().string(), "--config", a, "config", "show", "--config", b});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nlog_level = \"off\"  # from " + b + ":1\n"));
}

TEST(ConfigShow, BadFileFailsNamingFileLineColumn) {
  TempDir tmp;
  const std::string bad = put(tmp.path(), "etc/capstate/capstate.toml", "verify = yes\n");
  const RunResult r = run_capstate(tmp, {"--config-root", tmp.path().string(), "config", "show"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(bad + ":1:10: not valid TOML"));
  EXPECT_EQ(r.out, "");
}

TEST(ConfigShow, MissingConfigFileFails) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--config-root", tmp.path().string(), "--config",
                                         tmp.file("missing.toml"), "config", "show"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--config " + tmp.file("missing.toml") + ": no such file"));
}

}  // namespace
}  // namespace capstate::policytest
