// state_from_toml() errors are StateTextError with the file, line and column of the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "statetext/state_text_error.hpp"
#include "statetext/state_toml.hpp"

namespace capstate::core {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kEnvelope = R"([envelope]
envelope_version = 1
producer = "capstate"
producer_version = "0.1.0"
created_unix = 1700000000
kernel_release = "6.1.0"
)";

// The StateTextError state_from_toml throws for `text`; fails the test when there is none.
StateTextError text_error(const std::string& text) {
  try {
    (void)state_from_toml(text, "t.toml");
  } catch (const StateTextError& e) {
    return e;
  }
  ADD_FAILURE() << "no StateTextError for:\n" << text;
  return StateTextError({}, "");
}

TEST(StateTextError, UnknownKeyNamesLineAndColumn) {
  const StateTextError e = text_error(std::string(kEnvelope) + "colour = 1\n");
  EXPECT_EQ(e.where().file, "t.toml");
  EXPECT_EQ(e.where().line, 7U);
  EXPECT_EQ(e.where().column, 10U);
  EXPECT_EQ(e.where().record, 0U);
  EXPECT_STREQ(e.what(), "t.toml:7:10: envelope: unknown key 'colour'");
}

TEST(StateTextError, BadFingerprintIsRefusedAtItsValue) {
  const std::string device = R"(
[[devices]]
address = "0000:02:00.0"
vendor_id = 1
device_id = 2
subsystem_vendor_id = 0
subsystem_id = 0
class = 0
revision = 0
header_type = 0

[[devices.records]]
kind = "standard"
id = 0x10
offset = 0x80
capability_version = 0
plugin = "pcie"
schema_version = 2
payload = "00"
fingerprint = )";
  for (const char* bad : {"\"0x\"", "\"0x12g4\"", "\"-1\"", "\" 0x1\""}) {
    const StateTextError e = text_error(std::string(kEnvelope) + device + bad + "\n");
    EXPECT_EQ(e.where().line, 26U) << bad;
    EXPECT_THAT(e.what(), HasSubstr("'fingerprint' must be a hex string like")) << bad;
  }
  // The form inspect writes, and the same digits without the prefix, are read.
  for (const char* good : {"\"0x68c5feccdd0d9cfe\"", "\"68C5FECCDD0D9CFE\""}) {
    EXPECT_EQ(state_from_toml(std::string(kEnvelope) + device + good + "\n", "t.toml")
                  .devices.at(0)
                  .records.at(0)
                  .record.fingerprint,
              0x68c5feccdd0d9cfeULL)
        << good;
  }
}

TEST(StateTextError, NotTomlNamesTheFile) {
  const StateTextError e = text_error("[envelope\n");
  EXPECT_EQ(e.where().file, "t.toml");
  EXPECT_EQ(e.where().line, 1U);
  EXPECT_THAT(e.what(), StartsWith("t.toml:1:"));
  EXPECT_THAT(e.what(), HasSubstr("not valid TOML"));
}

}  // namespace
}  // namespace capstate::core
