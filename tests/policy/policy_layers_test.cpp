// Layer order and provenance: defaults < usr/lib < etc < conf.d (name order) < --config files,
// and the packaged example parses to exactly the built-in defaults.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "policy/policy.hpp"
#include "policy_files.hpp"

namespace capstate::policytest {
namespace {

using core::Policy;

TEST(PolicyDefaults, EveryBuiltInValue) {
  const Policy p = core::default_policy();
  EXPECT_TRUE(p.plugin_dirs.value.empty());
  EXPECT_TRUE(p.disabled_plugins.value.empty());
  EXPECT_TRUE(p.plugin_winner.empty());
  EXPECT_FALSE(p.allow_untrusted_plugin_dirs.value);
  EXPECT_EQ(p.defaults.unhandled_capability.value, "skip");
  EXPECT_EQ(p.defaults.newer_record.value, "fail");
  EXPECT_EQ(p.defaults.lossy_downgrade.value, "deny");
  EXPECT_EQ(p.defaults.identity.value, "exact");
  EXPECT_FALSE(p.defaults.identity_subsystem.value);
  EXPECT_TRUE(p.defaults.verify.value);
  EXPECT_TRUE(p.defaults.skip_capabilities.value.empty());
  EXPECT_EQ(p.defaults.bar_mismatch.value, "refuse");
  EXPECT_EQ(p.defaults.bound_driver.value, "refuse");
  EXPECT_TRUE(p.undo.value);
  EXPECT_EQ(p.undo_dir.value, "/var/lib/capstate/undo");
  EXPECT_EQ(p.log_level.value, "warn");
  EXPECT_TRUE(p.devices.empty());
  EXPECT_EQ(p.log_level.source, "built-in default");
  EXPECT_EQ(p.defaults.identity.source, "built-in default");
}

TEST(PolicyLayers, MissingSystemFilesGiveTheDefaults) {
  clitest::TempDir root;
  const Policy p = core::load_policy(root.path(), {});
  EXPECT_EQ(core::policy_to_text(p), core::policy_to_text(core::default_policy()));
}

TEST(PolicyLayers, EtcWinsOverUsrLib) {
  clitest::TempDir root;
  put(root.path(), "usr/lib/capstate/capstate.toml", "identity = \"ids\"\nverify = false\n");
  const std::string etc =
      put(root.path(), "etc/capstate/capstate.toml", "\n\nidentity = \"none\"\n");
  const Policy p = core::load_policy(root.path(), {});
  EXPECT_EQ(p.defaults.identity.value, "none");
  EXPECT_EQ(p.defaults.identity.source, etc + ":3");
  EXPECT_FALSE(p.defaults.verify.value);
  EXPECT_EQ(p.defaults.verify.source,
            (root.path() / "usr/lib/capstate/capstate.toml").string() + ":2");
}

TEST(PolicyLayers, ConfDWinsOverEtcAndGoesInNameOrder) {
  clitest::TempDir root;
  put(root.path(), "etc/capstate/capstate.toml", "log_level = \"info\"\nundo = false\n");
  const std::string b =
      put(root.path(), "etc/capstate/conf.d/20-b.toml", "log_level = \"debug\"\n");
  const std::string a = put(root.path(), "etc/capstate/conf.d/10-a.toml",
                            "log_level = \"error\"\nundo_dir = \"/x\"\n");
  put(root.path(), "etc/capstate/conf.d/30-c.conf", "this is not toml and is ignored\n");
  const Policy p = core::load_policy(root.path(), {});
  EXPECT_EQ(p.log_level.value, "debug");
  EXPECT_EQ(p.log_level.source, b + ":1");
  EXPECT_EQ(p.undo_dir.value, "/x");
  EXPECT_EQ(p.undo_dir.source, a + ":2");
  EXPECT_FALSE(p.undo.value);
  const std::vector<std::filesystem::path> files = core::system_policy_files(root.path());
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[1].filename(), "10-a.toml");
  EXPECT_EQ(files[2].filename(), "20-b.toml");
}

TEST(PolicyLayers, ConfigFilesWinOverSystemFilesInTheirOrder) {
  clitest::TempDir root;
  clitest::TempDir other;
  put(root.path(), "etc/capstate/conf.d/99.toml", "lossy_downgrade = \"allow\"\n");
  const std::string one =
      put(other.path(), "one.toml", "lossy_downgrade = \"deny\"\nverify = false\n");
  const std::string two = put(other.path(), "two.toml", "verify = true\n");
  const Policy p = core::load_policy(root.path(), {one, two});
  EXPECT_EQ(p.defaults.lossy_downgrade.value, "deny");
  EXPECT_EQ(p.defaults.lossy_downgrade.source, one + ":1");
  EXPECT_TRUE(p.defaults.verify.value);
  EXPECT_EQ(p.defaults.verify.source, two + ":1");
}

TEST(PolicyLayers, ArraysAreReplacedWinnersMergedPerKeyDevicesAppended) {
  Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "disabled_plugins = [\"msix\", \"ltr\"]\n"
                          "[plugin_winner]\n\"standard:0x10\" = \"pcie\"\n"
                          "\"EXTENDED:0x18\" = \"ltr\"\n"
                          "[[device]]\nmatch = \"0000:02:*\"\nverify = false\n",
                          "a.toml");
  core::merge_policy_text(p,
                          "disabled_plugins = [\"pcie\"]\n"
                          "[plugin_winner]\n\"standard:0x10\" = \"other\"\n"
                          "[[device]]\nmatch = \"8086:10d3\"\nidentity = \"ids\"\n",
                          "b.toml");
  EXPECT_EQ(p.disabled_plugins.value, std::vector<std::string>{"pcie"});
  EXPECT_EQ(p.disabled_plugins.source, "b.toml:1");
  ASSERT_EQ(p.plugin_winner.size(), 2U);
  EXPECT_EQ(p.plugin_winner.at("standard:0x10").value, "other");
  EXPECT_EQ(p.plugin_winner.at("standard:0x10").source, "b.toml:3");
  EXPECT_EQ(p.plugin_winner.at("extended:0x0018").value, "ltr");
  EXPECT_EQ(p.plugin_winner.at("extended:0x0018").source, "a.toml:4");
  ASSERT_EQ(p.devices.size(), 2U);
  EXPECT_EQ(p.devices[0].match, "0000:02:*");
  EXPECT_EQ(p.devices[0].source, "a.toml:5");
  EXPECT_EQ(p.devices[1].source, "b.toml:4");
  ASSERT_TRUE(p.devices[1].identity.has_value());
  EXPECT_EQ(p.devices[1].identity->source, "b.toml:6");
}

TEST(PolicyLayers, RootComesFromTheFlagThenTheEnvironmentValue) {
  EXPECT_EQ(core::policy_root("/from/flag", "/from/env"), "/from/flag");
  EXPECT_EQ(core::policy_root("", "/from/env"), "/from/env");
  EXPECT_EQ(core::policy_root("", ""), "/");
  EXPECT_EQ(core::policy_root("", std::nullopt), "/");
}

std::string packaged() {
  return std::string(CAPSTATE_SOURCE_DIR) + "/packaging/capstate.toml";
}

// Parsed as text: the source tree may be group-writable or owned by someone else than the user
// running the tests, which the trust check of merge_policy_file would rightly refuse.
TEST(PackagedPolicy, ParsesToExactlyTheBuiltInDefaults) {
  Policy p = core::default_policy();
  core::merge_policy_text(p, clitest::read_text(packaged()), packaged());
  EXPECT_EQ(core::policy_to_json(p), core::policy_to_json(core::default_policy()));
}

// Uncommenting every top-level "#key = value" line (not the example tables) must give the
// defaults too: the file documents each key with its real default.
TEST(PackagedPolicy, EveryKeyIsDocumentedWithItsDefault) {
  const std::string text = clitest::read_text(packaged());
  const std::regex assignment("^#([a-z_]+) = (.*)$");
  std::string uncommented;
  bool in_example_table = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#[", 0) == 0) {
      in_example_table = true;
    } else if (line.empty()) {
      in_example_table = false;
    } else if (!in_example_table && std::regex_match(line, assignment)) {
      uncommented += line.substr(1) + "\n";
    }
  }
  Policy p = core::default_policy();
  core::merge_policy_text(p, uncommented, "uncommented");
  std::vector<std::string> keys{"plugin_dirs", "disabled_plugins", "allow_untrusted_plugin_dirs"};
  keys.insert(keys.end(), {"undo", "undo_dir", "lock_dir", "log_level"});
  // The per-device keys and the live-update keys.
  keys.insert(keys.end(), {"unhandled_capability", "newer_record", "lossy_downgrade", "identity",
                           "identity_subsystem", "verify", "skip_capabilities", "plugin_failure",
                           "bar_mismatch", "bound_driver"});
  keys.insert(keys.end(), {"live_update_devices", "live_update_state", "live_update_restore",
                           "live_update_preflight", "live_update_root"});
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    EXPECT_NE(uncommented.find(key + " = "), std::string::npos);
  }
  EXPECT_NE(text.find("#[plugin_winner]"), std::string::npos);
  EXPECT_NE(text.find("#[[device]]"), std::string::npos);
  // Same values as the defaults; only the sources differ.
  Policy expected = core::default_policy();
  for (Policy* q : {&p, &expected}) {
    q->plugin_dirs.source = q->disabled_plugins.source = q->allow_untrusted_plugin_dirs.source =
        "x";
    q->undo.source = q->undo_dir.source = q->log_level.source = q->lock_dir.source = "x";
    q->live_update_devices.source = q->live_update_state.source = "x";
    q->live_update_restore.source = q->live_update_preflight.source = "x";
    q->live_update_root.source = "x";
    core::DevicePolicy& d = q->defaults;
    d.unhandled_capability.source = d.newer_record.source = d.lossy_downgrade.source = "x";
    d.identity.source = d.identity_subsystem.source = d.verify.source = "x";
    d.skip_capabilities.source = d.plugin_failure.source = "x";
    d.bar_mismatch.source = d.bound_driver.source = "x";
  }
  EXPECT_EQ(core::policy_to_json(p), core::policy_to_json(expected));
}

}  // namespace
}  // namespace capstate::policytest
