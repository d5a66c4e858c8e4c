// --json failures: one {"error": {...}} object on stdout with message, kind, exit_code and the
// structured fields the error type carries; the same exit code as in text mode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

// The "error" member of stdout, which must be exactly one JSON object with only that member.
nlohmann::json error_of(const RunResult& r) {
  const nlohmann::json doc = nlohmann::json::parse(r.out);  // throws on two documents
  EXPECT_TRUE(doc.is_object()) << r.out;
  EXPECT_EQ(doc.size(), 1U) << r.out;
  return doc.at("error");
}

// Runs `args` in text mode and with --json in front; both must end with `exit_code`, text mode
// must print nothing on stdout, and both must print the same error line on stderr.
nlohmann::json json_failure(const TempDir& tmp, const std::vector<std::string>& args,
                            int exit_code) {
  const RunResult text = run_capstate(tmp, args);
  EXPECT_EQ(text.exit_code, exit_code) << text.err;
  EXPECT_EQ(text.out, "");
  std::vector<std::string> with_json{"--json"};
  with_json.insert(with_json.end(), args.begin(), args.end());
  const RunResult json = run_capstate(tmp, with_json);
  EXPECT_EQ(json.exit_code, exit_code) << json.err;
  EXPECT_EQ(json.err, text.err);
  const nlohmann::json error = error_of(json);
  EXPECT_EQ(error.at("exit_code"), exit_code);
  return error;
}

TEST(JsonError, UnknownOptionIsAUsageError) {
  TempDir tmp;
  const nlohmann::json e = json_failure(tmp, {"list", "--dump", q35(), "--bogus"}, 2);
  EXPECT_EQ(e.at("kind"), "usage");
  EXPECT_THAT(e.at("message").get<std::string>(), HasSubstr("--bogus"));
}

TEST(JsonError, MissingRequiredOptionIsAUsageError) {
  TempDir tmp;
  const nlohmann::json e = json_failure(tmp, {"save", "--dump", q35()}, 2);
  EXPECT_EQ(e, (nlohmann::json{
                   {"message", "--output is required"}, {"kind", "usage"}, {"exit_code", 2}}));
}

TEST(JsonError, JsonAfterTheVerbCountsEvenWhenParsingFails) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"save", "--dump", q35(), "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(error_of(r).at("message"), "--output is required");
}

TEST(JsonError, UnknownVerbNamesTheVerb) {
  TempDir tmp;
  const nlohmann::json e = json_failure(tmp, {"frobnicate"}, 2);
  EXPECT_EQ(e, (nlohmann::json{
                   {"message", "unknown verb 'frobnicate'; run 'capstate --help' for the list"},
                   {"kind", "usage"},
                   {"exit_code", 2},
                   {"verb", "frobnicate"}}));
}

TEST(JsonError, MalformedToValueFoundWhileRunningIsAUsageError) {
  TempDir tmp;
  const std::string state = tmp.file("s.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-o", state}).exit_code, 0);
  const nlohmann::json e =
      json_failure(tmp, {"migrate", state, "--to", "pcie", "-o", tmp.file("o.cst")}, 2);
  EXPECT_EQ(e.at("kind"), "usage");
  EXPECT_THAT(e.at("message").get<std::string>(), HasSubstr("'pcie' is not PLUGIN=VERSION"));
}

TEST(JsonError, BadSlotIsAUsageErrorWithTheTextModeExitCode) {
  TempDir tmp;
  const nlohmann::json e = json_failure(tmp, {"list", "--dump", q35(), "-s", "zz:00.0"}, 1);
  EXPECT_EQ(e.at("kind"), "usage");
  EXPECT_THAT(e.at("message").get<std::string>(),
              HasSubstr("invalid slot \"zz:00.0\": bus \"zz\" is not a hexadecimal number"));
}

TEST(JsonError, MissingPluginDirIsAUsageErrorNamingOptionAndValue) {
  TempDir tmp;
  const std::string missing = tmp.file("plugins-typo");
  const nlohmann::json e = json_failure(tmp, {"--plugin-dir", missing, "list", "--dump", q35()}, 2);
  EXPECT_EQ(e, (nlohmann::json{{"message", "--plugin-dir '" + missing +
                                               "' does not exist; give an existing directory "
                                               "that holds plugin .so files, or leave the option "
                                               "out"},
                               {"kind", "usage"},
                               {"exit_code", 2},
                               {"option", "--plugin-dir"},
                               {"value", missing}}));
}

TEST(JsonError, PolicyErrorIsKindPolicy) {
  TempDir tmp;
  const std::string policy = tmp.file("bad.toml");
  write_text(policy, "verify = \"often\"\n");
  const nlohmann::json e = json_failure(
      tmp, {"--config-root", tmp.path().string(), "--config", policy, "list", "--dump", q35()}, 1);
  EXPECT_EQ(e.at("kind"), "policy");
  EXPECT_THAT(e.at("message").get<std::string>(), HasSubstr(policy + ":1"));
}

TEST(JsonError, MissingFileIsKindFileWithPathAndErrno) {
  TempDir tmp;
  const std::string missing = tmp.file("missing.cst");
  const nlohmann::json e = json_failure(tmp, {"inspect", missing}, 1);
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), missing);
  EXPECT_EQ(e.at("errno"), 2);  // ENOENT
  EXPECT_EQ(e.at("message"),
            "cannot read '" + missing + "': the file does not exist; check the path");
}

TEST(JsonError, MalformedDumpIsKindFileNamingTheDump) {
  TempDir tmp;
  const std::string dump = tmp.file("garbage.txt");
  write_text(dump, "this is not lspci output\n");
  const nlohmann::json e = json_failure(tmp, {"list", "--dump", dump}, 1);
  EXPECT_EQ(e.at("kind"), "file");
  EXPECT_EQ(e.at("file"), dump);
  EXPECT_THAT(e.at("message").get<std::string>(), StartsWith(dump + ":"));
}

TEST(JsonError, CorruptStateFileIsKindStateFileWithLocation) {
  TempDir tmp;
  const std::string state = tmp.file("s.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-s", "01:00.0", "-o", state}).exit_code,
            0);
  std::vector<std::uint8_t> bytes = read_bytes(state);
  bytes.back() ^= 0xff;  // the file checksum no longer matches
  write_bytes(state, bytes);
  const nlohmann::json e = json_failure(tmp, {"inspect", state}, 1);
  EXPECT_EQ(e.at("kind"), "state_file");
  EXPECT_EQ(e.at("file"), state);
  EXPECT_TRUE(e.at("problem").is_string());
  EXPECT_THAT(e.at("message").get<std::string>(), StartsWith(state + ": "));
  EXPECT_THAT(e.at("message").get<std::string>(), HasSubstr(e.at("problem").get<std::string>()));
}

TEST(JsonError, NoMatchingDeviceIsARefusal) {
  TempDir tmp;
  const std::string state = tmp.file("s.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-o", state}).exit_code, 0);
  const nlohmann::json e =
      json_failure(tmp, {"restore", "-i", state, "--dump", q35(), "-s", "09:00.0"}, 1);
  EXPECT_EQ(e.at("kind"), "refused");
  EXPECT_THAT(e.at("message").get<std::string>(),
              StartsWith("no device matches -s/-d; nothing was written; run 'capstate list'"));
}

TEST(JsonError, MigrateToAnUnknownPluginNamesThePlugin) {
  TempDir tmp;
  const std::string state = tmp.file("s.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-o", state}).exit_code, 0);
  const nlohmann::json e =
      json_failure(tmp, {"migrate", state, "--to", "nosuch=1", "-o", tmp.file("o.cst")}, 1);
  EXPECT_EQ(e, (nlohmann::json{{"message",
                                "--to names plugin 'nosuch', which is not loaded; see "
                                "'capstate plugins'"},
                               {"kind", "plugin"},
                               {"exit_code", 1},
                               {"plugin", "nosuch"}}));
}

TEST(JsonError, RefusedMigrationNamesTheDevice) {
  TempDir tmp;
  const std::string state = tmp.file("s.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-o", state}).exit_code, 0);
  const nlohmann::json e =
      json_failure(tmp, {"migrate", state, "--to", "msix=1", "-o", tmp.file("o.cst")}, 1);
  EXPECT_EQ(e.at("kind"), "refused");
  EXPECT_THAT(e.at("device").get<std::string>(), StartsWith("0000:"));
  EXPECT_THAT(e.at("message").get<std::string>(), HasSubstr("allow it with --allow-lossy"));
}

TEST(JsonError, HelpAndVersionStayPlainText) {
  TempDir tmp;
  const RunResult help = run_capstate(tmp, {"--json", "list", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, StartsWith("List devices"));
  const RunResult version = run_capstate(tmp, {"--json", "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, StartsWith("capstate "));
}

}  // namespace
}  // namespace capstate::clitest
