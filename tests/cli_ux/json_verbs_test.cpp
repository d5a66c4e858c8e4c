// --json on every verb whose output is data: stdout is one JSON document with exact fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

using ::testing::HasSubstr;

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

nlohmann::json json_of(const RunResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

// Keys of a JSON object, sorted (nlohmann::json objects iterate in key order).
std::vector<std::string> keys_of(const nlohmann::json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) {
    keys.push_back(key);
  }
  return keys;
}

class JsonVerbs : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = json_of(run_capstate(tmp_, {"--json", "save", "--dump", q35(), "-o", state_}));
  }

  std::size_t records_to_migrate(const std::string& plugin, std::uint16_t schema) {
    const nlohmann::json doc = json_of(run_capstate(tmp_, {"--json", "inspect", state_}));
    std::size_t n = 0;
    for (const nlohmann::json& device : doc.at("devices")) {
      for (const nlohmann::json& record : device.at("records")) {
        n += record.at("plugin") == plugin && record.at("schema_version") != schema ? 1 : 0;
      }
    }
    return n;
  }

  TempDir tmp_;
  std::string state_ = tmp_.file("q35.cst");
  nlohmann::json saved_;
};

TEST_F(JsonVerbs, SaveSummaryHasFileDevicesRecordsAndBytes) {
  for (const char* key : {"bytes", "devices", "file", "records", "skipped_capabilities"}) {
    EXPECT_TRUE(saved_.contains(key)) << key << " missing in " << saved_.dump();
  }
  EXPECT_EQ(saved_.at("file"), state_);
  EXPECT_EQ(saved_.at("devices"), 12);
  EXPECT_EQ(saved_.at("bytes"), std::filesystem::file_size(state_));
  // As many records as inspect shows.
  const nlohmann::json doc = json_of(run_capstate(tmp_, {"--json", "inspect", state_}));
  std::size_t records = 0;
  for (const nlohmann::json& device : doc.at("devices")) {
    records += device.at("records").size();
  }
  EXPECT_GT(records, 0U);
  EXPECT_EQ(saved_.at("records"), records);
}

TEST_F(JsonVerbs, AssembleSummaryMatchesTheFileItWrote) {
  const RunResult toml = run_capstate(tmp_, {"inspect", state_});
  ASSERT_EQ(toml.exit_code, 0) << toml.err;
  const std::string text = tmp_.file("q35.toml");
  write_text(text, toml.out);
  const std::string out = tmp_.file("assembled.cst");
  const nlohmann::json j = json_of(run_capstate(tmp_, {"--json", "assemble", text, "-o", out}));
  EXPECT_EQ(j, (nlohmann::json{{"file", out},
                               {"devices", 12},
                               {"records", saved_.at("records")},
                               {"bytes", std::filesystem::file_size(out)}}));
  // Text mode is unchanged.
  const RunResult plain = run_capstate(tmp_, {"assemble", text, "-o", out});
  EXPECT_EQ(plain.out, "assembled 12 devices, " + std::to_string(std::filesystem::file_size(out)) +
                           " bytes to " + out + "\n");
}

TEST_F(JsonVerbs, MigrateSummaryCountsRecordsAndListsLosses) {
  const std::size_t to_change = records_to_migrate("msix", 1);
  ASSERT_GT(to_change, 0U);
  const std::string out = tmp_.file("v1.cst");
  const nlohmann::json j = json_of(run_capstate(
      tmp_, {"--json", "migrate", state_, "--to", "msix=1", "--allow-lossy", "-o", out}));
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"bytes", "file", "lost", "records_migrated"}));
  EXPECT_EQ(j.at("file"), out);
  EXPECT_EQ(j.at("records_migrated"), to_change);
  EXPECT_EQ(j.at("bytes"), std::filesystem::file_size(out));
  ASSERT_TRUE(j.at("lost").is_array());
  ASSERT_FALSE(j.at("lost").empty());
  EXPECT_THAT(j.at("lost")[0].get<std::string>(), HasSubstr("the MSI-X vector table"));
}

TEST_F(JsonVerbs, RestoreAndDiffListEveryDevice) {
  const nlohmann::json restored =
      json_of(run_capstate(tmp_, {"--json", "restore", "-i", state_, "--dump", q35(),
                                  "--output-dump", tmp_.file("out.txt")}));
  ASSERT_TRUE(restored.is_array());
  ASSERT_EQ(restored.size(), 12U);
  EXPECT_EQ(restored[0].at("address"), "0000:00:00.0");
  EXPECT_EQ(restored[0].at("written"), 0);
  EXPECT_EQ(restored[0].at("mismatches"), nlohmann::json::array());
  const nlohmann::json diff =
      json_of(run_capstate(tmp_, {"--json", "diff", state_, "--dump", q35()}));
  ASSERT_TRUE(diff.is_array());
  EXPECT_EQ(diff.size(), 12U);
}

TEST_F(JsonVerbs, EveryDataVerbPrintsOneJsonDocument) {
  const std::vector<std::vector<std::string>> commands = {
      {"--json", "list", "--dump", q35()},
      {"--json", "discover", "--dump", q35()},
      {"--json", "plugins"},
      {"--json", "inspect", state_},
      {"--json", "restore", "-i", state_, "--dump", q35(), "--dry-run"},
      {"--json", "abi", "dump", "-o", tmp_.file("abi")},
      {"--json", "abi", "check", "--baseline", tmp_.file("abi")},
      {"--json", "config", "show", "--config-root", tmp_.path().string()},
  };
  for (const std::vector<std::string>& args : commands) {
    SCOPED_TRACE(args[1]);
    const RunResult r = run_capstate(tmp_, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  }
}

}  // namespace
}  // namespace capstate::clitest
