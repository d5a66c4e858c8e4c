// Test 4 (errors): `capstate assemble` refuses bad TOML with file:line:column and writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

#include "cli_runner.hpp"
#include "minimal_state_toml.hpp"

namespace capstate::clitest {
namespace {

// kMinimalToml with the first occurrence of `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = kMinimalToml;
  const std::size_t at = text.find(from);
  if (at == std::string::npos) {
    throw std::runtime_error("edited: '" + from + "' is not in the minimal TOML");
  }
  return text.replace(at, from.size(), to);
}

// Assembles `text`; expects exit 1, no output file, and `message` on stderr after "bad.toml:".
void expect_refused(const std::string& text, const std::string& message) {
  TempDir tmp;
  const std::string toml = tmp.file("bad.toml");
  const std::string out = tmp.file("bad.cst");
  write_text(toml, text);
  const RunResult r = run_capstate(tmp, {"assemble", toml, "-o", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("capstate: error: " + toml + ":" + message), std::string::npos)
      << "stderr: " << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// One refused edit of kMinimalToml: what to replace, with what, and the error after "bad.toml:".
struct Refusal {
  const char* name;     // the test name
  const char* from;     // text of kMinimalToml to replace (its first occurrence)
  const char* to;       // what to put there
  const char* message;  // expected after "capstate: error: <toml>:"
};

const Refusal kRefusals[] = {
    {"UnknownKeyInADevice", "revision = 0x02\n", "revision = 0x02\nbogus = 1\n",
     "17:9: devices[0]: unknown key 'bogus'"},
    {"UnknownKeyInTheEnvelope", "kernel_release = \"6.1.0\"\n",
     "kernel_release = \"6.1.0\"\nhost = \"x\"\n", "8:8: envelope: unknown key 'host'"},
    {"WrongTypeOfAnInteger", "class = 0x010802", "class = \"net\"",
     "15:9: devices[0]: 'class' must be an integer from 0 to 0xffffff"},
    {"WrongTypeOfAString", "fingerprint = \"0x68c5feccdd0d9cfe\"", "fingerprint = 5",
     "26:15: devices[0].records[0]: 'fingerprint' must be a string"},
    {"IntegerOutOfRange", "revision = 0x02", "revision = 0x100",
     "16:12: devices[0]: 'revision' must be an integer from 0 to 0xff"},
    {"MissingKeyNamesTheTable", "vendor_id = 0x1b36\n", "",
     "9:1: devices[0]: missing key 'vendor_id'"},
    {"MissingKeyInARecord", "plugin = \"pcie\"\n", "",
     "19:1: devices[0].records[0]: missing key 'plugin'"},
    {"BadAddress", "0000:02:00.0", "02:00.z",
     "10:11: devices[0]: '02:00.z' is not an address like 0000:00:1f.0"},
    {"NotTomlAtAll", "id = 0x10", "id = 0x10 = 3", "21:11: not valid TOML: "},
    {"FieldValueTooWideNamesTheRecord", "device_control = 0x2810", "device_control = 0x12810",
     "19:1: device 0000:02:00.0 record 1 (pcie): plugin 'pcie' schema 2: value 0x12810 of field "
     "'device_control' does not fit its 16 bits"},
    {"UnknownFieldNamesTheRecord", "link_control = 0x0040", "linkcontrol = 0x0040",
     "19:1: device 0000:02:00.0 record 1 (pcie): plugin 'pcie' schema 2: unknown field "
     "'linkcontrol'"},
    {"EditedFieldsWithStaleFingerprint", "0x68c5feccdd0d9cfe", "0x68c5feccdd0d9cff",
     "19:1: device 0000:02:00.0 record 1 (pcie): fingerprint 0x68c5feccdd0d9cff in the text "
     "differs from 0x68c5feccdd0d9cfe of plugin 'pcie' schema 2"},
};

// Shows a case by its name (test listings stay the same from one build to the next).
void PrintTo(const Refusal& refusal, std::ostream* out) {
  *out << refusal.name;
}

class AssembleRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(AssembleRefuses, TheEditedTomlWithFileLineColumn) {
  expect_refused(edited(GetParam().from, GetParam().to), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(AssembleErrors, AssembleRefuses, ::testing::ValuesIn(kRefusals),
                         [](const ::testing::TestParamInfo<Refusal>& info) {
                           return std::string(info.param.name);
                         });

TEST(AssembleErrors, MissingInputFile) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"assemble", tmp.file("none.toml"), "-o", tmp.file("x")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read '" + tmp.file("none.toml") + "': the file does not exist"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace capstate::clitest
