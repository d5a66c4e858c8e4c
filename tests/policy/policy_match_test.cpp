// [[device]] matching (address globs, vendor:device) and effective(): later matches override.
#include <gtest/gtest.h>

#include "policy/policy.hpp"

namespace capstate::policytest {
namespace {

core::PciAddress at(const char* text) {
  return *core::PciAddress::parse(text);
}

TEST(PolicyMatch, AddressGlobs) {
  EXPECT_TRUE(core::device_matches("0000:02:*", at("0000:02:00.0"), 0x1b36, 0x0010));
  EXPECT_FALSE(core::device_matches("0000:02:*", at("0000:03:00.0"), 0x1b36, 0x0010));
  EXPECT_TRUE(core::device_matches("00:1f.*", at("0000:00:1f.3"), 0x8086, 0x2930));
  EXPECT_TRUE(core::device_matches("0000:00:1F.2", at("0000:00:1f.2"), 0x8086, 0x2922));
  EXPECT_FALSE(core::device_matches("0001:00:1f.2", at("0000:00:1f.2"), 0x8086, 0x2922));
}

TEST(PolicyMatch, VendorDevicePairs) {
  EXPECT_TRUE(core::device_matches("8086:10d3", at("0000:01:00.0"), 0x8086, 0x10d3));
  EXPECT_TRUE(core::device_matches("8086:10D3", at("0000:01:00.0"), 0x8086, 0x10d3));
  EXPECT_FALSE(core::device_matches("8086:10d3", at("0000:01:00.0"), 0x8086, 0x10d4));
  EXPECT_FALSE(core::device_matches("8086:10d3", at("0000:01:00.0"), 0x8087, 0x10d3));
}

TEST(PolicyMatch, LaterMatchesOverrideAndKeepTheirSource) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "identity = \"ids\"\n"
                          "[[device]]\nmatch = \"0000:01:*\"\nidentity = \"none\"\nverify = false\n"
                          "[[device]]\nmatch = \"8086:10d3\"\nidentity = \"exact\"\n"
                          "skip_capabilities = [\"extended:0x0018\"]\n"
                          "[[device]]\nmatch = \"0000:05:*\"\nnewer_record = \"skip\"\n",
                          "p.toml");
  const core::DevicePolicy nic = core::effective(p, at("0000:01:00.0"), 0x8086, 0x10d3);
  EXPECT_EQ(nic.identity.value, "exact");
  EXPECT_EQ(nic.identity.source, "p.toml:8");
  EXPECT_FALSE(nic.verify.value);
  EXPECT_EQ(nic.verify.source, "p.toml:5");
  EXPECT_EQ(nic.skip_capabilities.value, std::vector<std::string>{"extended:0x0018"});
  EXPECT_EQ(nic.newer_record.value, "fail");
  EXPECT_EQ(nic.newer_record.source, "built-in default");

  const core::DevicePolicy other = core::effective(p, at("0000:01:00.0"), 0x8086, 0x10d4);
  EXPECT_EQ(other.identity.value, "none");
  EXPECT_EQ(other.identity.source, "p.toml:4");
  EXPECT_TRUE(other.skip_capabilities.value.empty());

  const core::DevicePolicy none = core::effective(p, at("0000:03:00.0"), 0x1af4, 0x1041);
  EXPECT_EQ(none.identity.value, "ids");
  EXPECT_EQ(none.identity.source, "p.toml:1");
  EXPECT_TRUE(none.verify.value);
}

TEST(PolicyMatch, PluginFailureIsPerDevice) {
  core::Policy p = core::default_policy();
  core::merge_policy_text(p,
                          "plugin_failure = \"abort\"\n"
                          "[[device]]\nmatch = \"0000:01:*\"\nplugin_failure = \"capability\"\n",
                          "p.toml");
  const core::DevicePolicy nic = core::effective(p, at("0000:01:00.0"), 0x8086, 0x10d3);
  EXPECT_EQ(nic.plugin_failure.value, "capability");
  EXPECT_EQ(nic.plugin_failure.source, "p.toml:4");
  const core::DevicePolicy other = core::effective(p, at("0000:02:00.0"), 0x8086, 0x10d3);
  EXPECT_EQ(other.plugin_failure.value, "abort");
  EXPECT_EQ(other.plugin_failure.source, "p.toml:1");
}

}  // namespace
}  // namespace capstate::policytest
