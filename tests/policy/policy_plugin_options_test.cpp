// plugin_options: [plugin_options.<plugin>] tables at the top level and in [[device]] tables,
// values kept as text with their source, later layers and matching devices winning, malformed
// forms refused with file:line:column, `config show`, and the restore options they become.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/policy.hpp"
#include "restore/policy_options.hpp"

namespace capstate::policytest {
namespace {

using ::testing::HasSubstr;

const core::PciAddress kNic{0, 2, 0, 0};
const core::PciAddress kOther{0, 3, 0, 0};

std::string error_of(const std::string& text) {
  core::Policy p = core::default_policy();
  try {
    core::merge_policy_text(p, text, "bad.toml");
  } catch (const core::PolicyError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(PluginOptions, NoneByDefault) {
  EXPECT_TRUE(core::default_policy().defaults.plugin_options.empty());
}

TEST(PluginOptions, StringsBooleansAndIntegersAreKeptAsTextWithTheirSource) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "[plugin_options.aer]\nclear_status = true\n"
                          "[plugin_options.vendorx]\nmode = \"fast\"\nretries = 3\n",
                          "site.toml");
  const auto& o = p.defaults.plugin_options;
  ASSERT_EQ(o.size(), 3U);
  EXPECT_EQ(o.at("aer.clear_status").value, "true");
  EXPECT_EQ(o.at("aer.clear_status").source, "site.toml:2");
  EXPECT_EQ(o.at("vendorx.mode").value, "fast");
  EXPECT_EQ(o.at("vendorx.retries").value, "3");
  const core::RestoreOptions r = core::restore_options({}, core::StateFile{}, p.defaults, false);
  EXPECT_EQ(r.plugin_options.at("aer.clear_status"), "true");
  EXPECT_EQ(r.plugin_options.size(), 3U);
}

TEST(PluginOptions, ADeviceTableOverridesOnlyItsDevice) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "[plugin_options.aer]\nclear_status = false\n"
                          "[[device]]\nmatch = \"0000:02:00.0\"\n"
                          "plugin_options.aer.clear_status = true\n",
                          "site.toml");
  EXPECT_EQ(core::effective(p, kNic, 0x8086, 0x10d3).plugin_options.at("aer.clear_status").value,
            "true");
  EXPECT_EQ(core::effective(p, kNic, 0x8086, 0x10d3).plugin_options.at("aer.clear_status").source,
            "site.toml:5");
  EXPECT_EQ(core::effective(p, kOther, 0x8086, 0x10d3).plugin_options.at("aer.clear_status").value,
            "false");
  EXPECT_THAT(core::policy_to_text(p),
              HasSubstr("plugin_options.aer.clear_status = \"true\"  # from site.toml:5"));
}

TEST(PluginOptions, MalformedFormsAreRefusedWithTheirPosition) {
  EXPECT_THAT(error_of("plugin_options = 3\n"),
              HasSubstr("bad.toml:1:18: key 'plugin_options' must be a table"));
  EXPECT_THAT(error_of("[plugin_options]\naer = true\n"),
              HasSubstr("plugin_options.aer must be a table of option = value entries, found a "
                        "boolean"));
  EXPECT_THAT(error_of("[plugin_options.aer]\nclear_status = [1]\n"),
              HasSubstr("bad.toml:2:16: plugin_options.aer.clear_status must be a string, boolean "
                        "or integer, found an array"));
}

}  // namespace
}  // namespace capstate::policytest
