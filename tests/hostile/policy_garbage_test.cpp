// Garbage in policy files: binary data, NUL bytes, deep nesting, wrong types, unknown values.
// Each is refused with file:line:column and the policy stays as it was.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hostile_support.hpp"
#include "policy/policy.hpp"

namespace capstate::hostile {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// The PolicyError text for `text` (source "bad.toml"), or "" when it was accepted.
std::string policy_error(const std::string& text) {
  core::Policy policy = core::default_policy();
  try {
    core::merge_policy_text(policy, text, "bad.toml");
  } catch (const core::PolicyError& e) {
    // A refused file must leave the policy untouched.
    EXPECT_EQ(policy.defaults.plugin_failure.value, "device");
    return e.what();
  }
  return "";
}

TEST(HostilePolicy, BinaryGarbageAndNulBytes) {
  EXPECT_THAT(policy_error(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)),
              AllOf(StartsWith("bad.toml:1:"), HasSubstr("not valid TOML")));
  EXPECT_THAT(policy_error(std::string("verify = true\n\0\0\0", 17)),
              AllOf(StartsWith("bad.toml:2:"), HasSubstr("not valid TOML")));
  EXPECT_THAT(policy_error("identity = \"ex\xff\xfe\"\n"),
              AllOf(StartsWith("bad.toml:1:"), HasSubstr("not valid TOML")));
}

TEST(HostilePolicy, DeepNestingDoesNotCrash) {
  const std::string deep = "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  EXPECT_THAT(policy_error(deep), StartsWith("bad.toml:1:"));
  std::string tables;
  for (int i = 0; i < 2000; ++i) {
    tables += "a.";
  }
  EXPECT_THAT(policy_error("[" + tables + "b]\n"), StartsWith("bad.toml:1:"));
}

TEST(HostilePolicy, WrongTypesAndValues) {
  EXPECT_THAT(
      policy_error("plugin_failure = \"sometimes\"\n"),
      AllOf(StartsWith("bad.toml:1:"), HasSubstr("plugin_failure"), HasSubstr("sometimes")));
  EXPECT_THAT(policy_error("plugin_failure = 3\n"),
              AllOf(StartsWith("bad.toml:1:"), HasSubstr("plugin_failure")));
  EXPECT_THAT(policy_error("[[device]]\nmatch = \"0000:01:00.0\"\nplugin_failure = [\"device\"]\n"),
              AllOf(StartsWith("bad.toml:3:"), HasSubstr("plugin_failure")));
  EXPECT_THAT(policy_error("verify = \"yes\"\n"), StartsWith("bad.toml:1:"));
  EXPECT_THAT(policy_error("no_such_key = 1\n"), HasSubstr("unknown key 'no_such_key'"));
}

TEST(HostilePolicy, HugeValuesAreJustValues) {
  // A long string is accepted or refused by its value, never a crash.
  EXPECT_EQ(policy_error("undo_dir = \"" + std::string(1 << 20, 'a') + "\"\n"), "");
}

TEST(HostilePolicy, GarbageFileOnDiskNamesTheFile) {
  TempDir dir;
  write_text(dir / "garbage.toml", std::string("\0\x01\x02 = = =", 10));
  core::Policy policy = core::default_policy();
  try {
    core::merge_policy_file(policy, dir / "garbage.toml");
    ADD_FAILURE() << "garbage accepted";
  } catch (const core::PolicyError& e) {
    EXPECT_THAT(e.what(), StartsWith((dir / "garbage.toml").string() + ":1:"));
  }
}

}  // namespace
}  // namespace capstate::hostile
