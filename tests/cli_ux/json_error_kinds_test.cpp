// Typed errors as --json reports them: each error the user can cause (a malformed dump, TOML text,
// selector or source option, a missing sysfs root, plugins that all failed) has its own kind and
// structured fields instead of "internal".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "minimal_state_toml.hpp"

namespace capstate::clitest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

// Runs `args` with --json in front; expects exit code `exit_code`, one {"error": {...}} document
// on stdout with that exit code, and the message as the last error line on stderr. Returns the
// "error" member.
nlohmann::json json_error(const TempDir& tmp, const std::vector<std::string>& args,
                          int exit_code = 1) {
  std::vector<std::string> with_json{"--json"};
  with_json.insert(with_json.end(), args.begin(), args.end());
  const RunResult r = run_capstate(tmp, with_json);
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.size(), 1U) << r.out;
  const nlohmann::json error = doc.at("error");
  EXPECT_EQ(error.at("exit_code"), exit_code);
  EXPECT_THAT(r.err, HasSubstr(error.at("message").get<std::string>()));
  return error;
}

// kMinimalToml with the first `from` replaced by `to`.
std::string minimal_toml_with(const std::string& from, const std::string& to) {
  std::string text = kMinimalToml;
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(JsonErrorKinds, MalformedDumpNamesFileAndLine) {
  TempDir tmp;
  const std::string dump = tmp.file("bad.txt");
  write_text(dump, "00:01.0 Host bridge\n00: 86 80\n");
  const nlohmann::json e = json_error(tmp, {"list", "--dump", dump});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), dump);
  EXPECT_EQ(e.at("line"), 2);
  EXPECT_EQ(e.at("message"), dump + ":2: 2 bytes on a data line (expected 16)");
}

TEST(JsonErrorKinds, DumpWithoutDevicesHasNoLine) {
  TempDir tmp;
  const std::string dump = tmp.file("empty.txt");
  write_text(dump, "\n\n");
  const nlohmann::json e = json_error(tmp, {"list", "--dump", dump});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), dump);
  EXPECT_FALSE(e.contains("line"));
  EXPECT_THAT(e.at("message").get<std::string>(), StartsWith(dump + ": no device found; "));
}

TEST(JsonErrorKinds, MissingSysfsRootIsAFileError) {
  TempDir tmp;
  const std::string root = tmp.file("nope");
  const nlohmann::json e = json_error(tmp, {"list", "--sysfs-root", root});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), root);
  EXPECT_THAT(e.at("message").get<std::string>(),
              StartsWith("sysfs root " + root + " is not a directory; "));
}

TEST(JsonErrorKinds, ImageOfTheWrongSizeIsAFileError) {
  TempDir tmp;
  const std::string image = tmp.file("short.bin");
  write_bytes(image, std::vector<std::uint8_t>(100, 0));
  const nlohmann::json e = json_error(tmp, {"list", "--image", image});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), image);
  EXPECT_THAT(e.at("message").get<std::string>(), HasSubstr(": raw image is 100 bytes; expected"));
}

TEST(JsonErrorKinds, BadIdFilterIsUsageNamingTheValue) {
  TempDir tmp;
  const nlohmann::json e = json_error(tmp, {"list", "--dump", q35(), "-d", "12345:"});
  EXPECT_EQ(e.at("kind"), "usage");
  EXPECT_EQ(e.at("value"), "12345:");
  EXPECT_THAT(e.at("message").get<std::string>(),
              StartsWith("invalid ID filter \"12345:\": vendor 0x12345 is out of range (0-ffff)"));
}

TEST(JsonErrorKinds, BadImageAddressIsUsageNamingTheOption) {
  TempDir tmp;
  const std::string image = tmp.file("cfg.bin");
  write_bytes(image, std::vector<std::uint8_t>(256, 0));
  const nlohmann::json e =
      json_error(tmp, {"list", "--image", image, "--image-address", "00:99.0"});
  EXPECT_EQ(e.at("kind"), "usage");
  EXPECT_EQ(e.at("option"), "--image-address");
  EXPECT_EQ(e.at("value"), "00:99.0");
}

TEST(JsonErrorKinds, BadTomlValueNamesFileLineAndColumn) {
  TempDir tmp;
  const std::string toml = tmp.file("bad.toml");
  write_text(toml, minimal_toml_with("revision = 0x02", "revision = 0x100"));
  const nlohmann::json e = json_error(tmp, {"assemble", toml, "-o", tmp.file("out.cst")});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), toml);
  EXPECT_EQ(e.at("line"), 16);
  EXPECT_EQ(e.at("column"), 12);
  EXPECT_FALSE(e.contains("record"));
  EXPECT_EQ(e.at("message"),
            toml + ":16:12: devices[0]: 'revision' must be an integer from 0 to 0xff");
  EXPECT_FALSE(std::filesystem::exists(tmp.file("out.cst")));
}

TEST(JsonErrorKinds, TomlThatIsNotTomlNamesTheLine) {
  TempDir tmp;
  const std::string toml = tmp.file("bad.toml");
  write_text(toml, "[envelope\n");
  const nlohmann::json e = json_error(tmp, {"assemble", toml, "-o", tmp.file("out.cst")});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), toml);
  EXPECT_EQ(e.at("line"), 1);
  EXPECT_THAT(e.at("message").get<std::string>(), StartsWith(toml + ":1:"));
}

TEST(JsonErrorKinds, StaleFingerprintNamesDeviceRecordAndPlugin) {
  TempDir tmp;
  const std::string toml = tmp.file("stale.toml");
  write_text(toml, minimal_toml_with("0x68c5feccdd0d9cfe", "0x68c5feccdd0d9cff"));
  const nlohmann::json e = json_error(tmp, {"assemble", toml, "-o", tmp.file("out.cst")});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), toml);
  EXPECT_EQ(e.at("line"), 19);
  EXPECT_EQ(e.at("column"), 1);
  EXPECT_EQ(e.at("device"), "0000:02:00.0");
  EXPECT_EQ(e.at("record"), 1);
  EXPECT_EQ(e.at("plugin"), "pcie");
  EXPECT_THAT(e.at("message").get<std::string>(),
              HasSubstr("fingerprint 0x68c5feccdd0d9cff in the text differs"));
}

TEST(JsonErrorKinds, RecordOfAPluginNotLoadedNamesThePlugin) {
  TempDir tmp;
  const std::string toml = tmp.file("ghost.toml");
  write_text(toml, minimal_toml_with("plugin = \"pcie\"", "plugin = \"ghost\""));
  const nlohmann::json e = json_error(tmp, {"assemble", toml, "-o", tmp.file("out.cst")});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("plugin"), "ghost");
  EXPECT_EQ(e.at("record"), 1);
  EXPECT_THAT(e.at("message").get<std::string>(),
              HasSubstr("no plugin named 'ghost' is loaded to encode its fields"));
}

TEST(JsonErrorKinds, SaveWithEveryDeviceLeftOutIsAPluginErrorNamingTheFile) {
  TempDir tmp;
  const std::string policy = tmp.file("policy.toml");
  write_text(policy, "undo = false\nplugin_failure = \"device\"\n");
  const std::string plugins =
      (std::filesystem::path(CAPSTATE_BINARY_DIR) / "test-plugins/hostile/throw-save").string();
  const std::string out = tmp.file("none.cst");
  const nlohmann::json e = json_error(tmp, {"--plugin-dir", plugins, "--config", policy, "save",
                                            "--dump", q35(), "-s", "01:00.0", "-o", out});
  EXPECT_EQ(e.at("kind"), "plugin");
  EXPECT_EQ(e.at("file"), out);
  ASSERT_EQ(e.at("left_out").size(), 1U);
  EXPECT_THAT(e.at("left_out")[0].get<std::string>(),
              StartsWith("0000:01:00.0: device left out of the state file"));
  EXPECT_THAT(e.at("message").get<std::string>(),
              StartsWith("every selected device was left out because a plugin failed; " + out));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(JsonErrorKinds, LiveUpdateStateDirectoryThatCannotBeMadeIsAFileError) {
  TempDir tmp;
  write_text(tmp.file("plain"), "a file, not a directory\n");
  const std::string state = tmp.file("plain/sub/live.state");
  const std::string policy = tmp.file("policy.toml");
  write_text(policy, "live_update_state = \"" + state + "\"\n");
  const nlohmann::json e =
      json_error(tmp, {"--config-root", tmp.path().string(), "--config", policy, "live-update",
                       "save", "--sysfs-root", tmp.file("sys")});
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), tmp.file("plain/sub"));
  EXPECT_EQ(e.at("errno"), ENOTDIR);
  EXPECT_THAT(e.at("message").get<std::string>(),
              StartsWith("cannot create the directory " + tmp.file("plain/sub") +
                         " of live_update_state: "));
}

}  // namespace
}  // namespace capstate::clitest
