// The per-device keys bar_mismatch ("refuse" | "kernel") and bound_driver ("refuse" | "allow"):
// defaults, parsing at the top level and in [[device]] tables, bad values, `config show`, and
// the restore options they become.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "policy/policy.hpp"
#include "policy_files.hpp"
#include "restore/policy_options.hpp"

namespace capstate::policytest {
namespace {

using ::testing::HasSubstr;

const core::PciAddress kNic{0, 2, 0, 0};
const core::PciAddress kOther{0, 3, 0, 0};

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

core::RestoreOptions options_for(const core::DevicePolicy& p) {
  return core::restore_options({}, core::StateFile{}, p, false);
}

TEST(SafetyKeys, DefaultsRefuseBoth) {
  const core::Policy p = core::default_policy();
  EXPECT_EQ(p.defaults.bar_mismatch.value, "refuse");
  EXPECT_EQ(p.defaults.bar_mismatch.source, "built-in default");
  EXPECT_EQ(p.defaults.bound_driver.value, "refuse");
  EXPECT_EQ(p.defaults.bound_driver.source, "built-in default");
  const core::RestoreOptions o = options_for(p.defaults);
  EXPECT_EQ(o.bar_mismatch, BarMismatch::refuse);
  EXPECT_FALSE(o.allow_bound_driver);
}

TEST(SafetyKeys, TopLevelValuesWithTheirSource) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p, "bar_mismatch = \"kernel\"\nbound_driver = \"allow\"\n", "site.toml");
  EXPECT_EQ(p.defaults.bar_mismatch.value, "kernel");
  EXPECT_EQ(p.defaults.bar_mismatch.source, "site.toml:1");
  EXPECT_EQ(p.defaults.bound_driver.value, "allow");
  EXPECT_EQ(p.defaults.bound_driver.source, "site.toml:2");
  const core::RestoreOptions o = options_for(p.defaults);
  EXPECT_EQ(o.bar_mismatch, BarMismatch::kernel);
  EXPECT_TRUE(o.allow_bound_driver);
  // The explicit refusals are the defaults' values.
  core::merge_policy_text(p, "bar_mismatch = \"refuse\"\nbound_driver = \"refuse\"\n", "b.toml");
  EXPECT_EQ(options_for(p.defaults).bar_mismatch, BarMismatch::refuse);
  EXPECT_FALSE(options_for(p.defaults).allow_bound_driver);
}

TEST(SafetyKeys, PerDeviceRulesOverrideForTheDevicesTheyMatch) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "[[device]]\nmatch = \"0000:02:*\"\nbar_mismatch = \"kernel\"\n"
                          "bound_driver = \"allow\"\n",
                          "site.toml");
  ASSERT_EQ(p.devices.size(), 1U);
  ASSERT_TRUE(p.devices[0].bar_mismatch.has_value());
  EXPECT_EQ(p.devices[0].bar_mismatch->source, "site.toml:3");
  const core::DevicePolicy nic = core::effective(p, kNic, 0x8086, 0x10d3);
  EXPECT_EQ(nic.bar_mismatch.value, "kernel");
  EXPECT_EQ(nic.bound_driver.value, "allow");
  EXPECT_EQ(nic.bound_driver.source, "site.toml:4");
  EXPECT_EQ(options_for(nic).bar_mismatch, BarMismatch::kernel);
  EXPECT_TRUE(options_for(nic).allow_bound_driver);
  const core::DevicePolicy other = core::effective(p, kOther, 0x1b36, 0x0010);
  EXPECT_EQ(other.bar_mismatch.value, "refuse");
  EXPECT_EQ(options_for(other).bar_mismatch, BarMismatch::refuse);
  EXPECT_FALSE(options_for(other).allow_bound_driver);
}

TEST(SafetyKeys, BadValuesNameFileLineColumnAndTheChoices) {
  EXPECT_THAT(error_of("bar_mismatch = \"ignore\"\n"),
              HasSubstr("bad.toml:1:16: key 'bar_mismatch' is \"ignore\"; expected one of "
                        "\"refuse\", \"kernel\"; fix or remove it"));
  EXPECT_THAT(error_of("\nbound_driver = \"yes\"\n"),
              HasSubstr("bad.toml:2:16: key 'bound_driver' is \"yes\"; expected one of "
                        "\"refuse\", \"allow\""));
  EXPECT_THAT(error_of("bound_driver = true\n"),
              HasSubstr("bad.toml:1:16: key 'bound_driver' must be a string (one of \"refuse\", "
                        "\"allow\"), found a boolean"));
  EXPECT_THAT(error_of("[[device]]\nmatch = \"0000:02:*\"\nbar_mismatch = \"Kernel\"\n"),
              HasSubstr("bad.toml:3:16: key 'bar_mismatch' is \"Kernel\"; expected one of "
                        "\"refuse\", \"kernel\""));
  // A bad value leaves the policy as it was.
  core::Policy p = core::default_policy();
  EXPECT_THROW(core::merge_policy_text(p, "bound_driver = \"allow\"\nbar_mismatch = 1\n", "x"),
               core::PolicyError);
  EXPECT_EQ(p.defaults.bound_driver.value, "refuse");
}

TEST(SafetyKeys, UnknownDeviceKeyListsTheNewKeys) {
  EXPECT_THAT(error_of("[[device]]\nmatch = \"0000:02:*\"\nbar = \"kernel\"\n"),
              HasSubstr("plugin_failure, bar_mismatch, bound_driver"));
}

TEST(SafetyKeys, ConfigShowPrintsThemWithTheirSource) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "bound_driver = \"allow\"\n[[device]]\nmatch = \"8086:10d3\"\n"
                          "bar_mismatch = \"kernel\"\n",
                          "site.toml");
  const std::string text = core::policy_to_text(p);
  EXPECT_THAT(text, HasSubstr("\nplugin_failure = \"device\"  # from built-in default\n"
                              "bar_mismatch = \"refuse\"  # from built-in default\n"
                              "bound_driver = \"allow\"  # from site.toml:1\n"
                              "undo = true"));
  EXPECT_THAT(text, HasSubstr("\n[[device]]  # from site.toml:2\nmatch = \"8086:10d3\"\n"
                              "bar_mismatch = \"kernel\"  # from site.toml:4\n"));
  const nlohmann::json j = nlohmann::json::parse(core::policy_to_json(p));
  EXPECT_EQ(j.at("bar_mismatch"),
            (nlohmann::json{{"value", "refuse"}, {"source", "built-in default"}}));
  EXPECT_EQ(j.at("bound_driver"), (nlohmann::json{{"value", "allow"}, {"source", "site.toml:1"}}));
  ASSERT_EQ(j.at("device").size(), 1U);
  EXPECT_EQ(j.at("device")[0].at("bar_mismatch").at("value"), "kernel");
  EXPECT_FALSE(j.at("device")[0].contains("bound_driver"));
}

TEST(SafetyKeys, ConfigShowOfTheBinary) {
  TempDir tmp;
  const std::string file =
      put(tmp.path(), "site.toml", "bar_mismatch = \"kernel\"\nbound_driver = \"refuse\"\n");
  const RunResult r = clitest::run_capstate(
      tmp, {"--config-root", tmp.path().string(), "--config", file, "config", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nbar_mismatch = \"kernel\"  # from " + file + ":1\n"));
  EXPECT_THAT(r.out, HasSubstr("\nbound_driver = \"refuse\"  # from " + file + ":2\n"));
  const std::string bad = put(tmp.path(), "bad.toml", "bound_driver = \"sometimes\"\n");
  const RunResult b = clitest::run_capstate(
      tmp, {"--config-root", tmp.path().string(), "--config", bad, "config", "show"});
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_THAT(b.err, HasSubstr(bad + ":1:16: key 'bound_driver' is \"sometimes\"; expected one "
                                     "of \"refuse\", \"allow\""));
  EXPECT_EQ(b.out, "");
}

}  // namespace
}  // namespace capstate::policytest
