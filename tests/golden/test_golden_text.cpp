// The golden files through the text form: envelope version 2 did not change what 'capstate
// inspect' prints for them, 'capstate assemble' of the committed TOML sources still gives the
// committed bytes, and inspect -> assemble gives every golden file back byte for byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "golden_fixture.hpp"
#include "statetext/state_toml.hpp"
#include "statetext/state_view.hpp"

namespace capstate::goldentest {
namespace {

/// The golden files that were assembled from a committed TOML source of the same name.
const std::vector<std::string> kTomlSources{"v1-q35", "v1-ltr", "v2-msix-table"};

/// What 'capstate inspect' prints for `file`.
std::string inspect(const core::StateFile& file, const core::Registry& registry) {
  return core::state_to_toml(core::view_state(file, registry));
}

/// What 'capstate assemble' writes for `text`.
std::vector<std::uint8_t> assemble(const std::string& text, const std::string& source,
                                   const core::Registry& registry) {
  return core::encode_state(core::unview_state(core::state_from_toml(text, source), registry),
                            source);
}

/// `text` without its whole-line comments.
std::string without_comment_lines(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) != 0) {
      out += line + "\n";
    }
  }
  return out;
}

TEST(GoldenText, AssemblingTheTomlSourcesGivesTheCommittedBytes) {
  const core::Registry registry = shipped();
  for (const std::string& name : kTomlSources) {
    const std::string text = testsupport::read_text(golden_path(name + ".toml"));
    EXPECT_EQ(assemble(text, name + ".toml", registry),
              testsupport::read_bytes(golden_path(name + ".cst")))
        << name;
  }
}

// The committed TOML sources are the inspect text of their files plus comments of their own, so
// inspect of those files must print exactly the source's other lines after its two comment lines.
TEST(GoldenText, InspectPrintsWhatItPrintedForTheVersion1Files) {
  const core::Registry registry = shipped();
  for (const std::string& name : kTomlSources) {
    const std::string printed = inspect(read_golden(name + ".cst"), registry);
    const std::string source = testsupport::read_text(golden_path(name + ".toml"));
    EXPECT_EQ(printed,
              "# capstate state file, as printed by 'capstate inspect'.\n"
              "# 'capstate assemble' turns this text back into the same binary file.\n" +
                  without_comment_lines(source))
        << name;
    EXPECT_THAT(printed, ::testing::HasSubstr("\nenvelope_version = 1\n")) << name;
  }
}

TEST(GoldenText, EveryGoldenFileIsVersion1WithoutClaims) {
  for (const std::string& name : kGoldenFiles) {
    const core::StateFile file = read_golden(name);
    EXPECT_EQ(file.envelope.envelope_version, 1) << name;
    for (const core::DeviceSection& section : file.devices) {
      for (const Record& record : section.records) {
        EXPECT_EQ(record.claim, "") << name;
        EXPECT_TRUE(record.capability.kind == CapKind::standard ||
                    record.capability.kind == CapKind::extended)
            << name;
      }
    }
  }
}

TEST(GoldenText, InspectThenAssembleGivesEveryGoldenFileBack) {
  const core::Registry registry = shipped();
  for (const std::string& name : kGoldenFiles) {
    const std::vector<std::uint8_t> bytes = testsupport::read_bytes(golden_path(name));
    const std::string text = inspect(core::decode_state(bytes, name), registry);
    EXPECT_EQ(text.find("claim"), std::string::npos) << name;
    EXPECT_EQ(assemble(text, name, registry), bytes) << name;
  }
}

// The same files rewritten as version 2 with a claim on every record: the claims survive
// inspect -> assemble through the plugins' field encoding, byte for byte.
TEST(GoldenText, Version2CopiesWithClaimsSurviveInspectAndAssemble) {
  const core::Registry registry = shipped();
  for (const std::string& name : kGoldenFiles) {
    core::StateFile file = read_golden(name);
    file.envelope.envelope_version = 2;
    std::size_t n = 0;
    std::string first_plugin;
    for (core::DeviceSection& section : file.devices) {
      for (Record& record : section.records) {
        record.claim = "vendor 0x" + std::to_string(8086 + n++) + ", \"quoted\" \\ too";
        first_plugin = first_plugin.empty() ? record.plugin : first_plugin;
      }
    }
    const std::vector<std::uint8_t> bytes = core::encode_state(file, name);
    const std::string text = inspect(core::decode_state(bytes, name), registry);
    // The first record's claim, right after its plugin name and escaped as TOML wants.
    EXPECT_THAT(text, ::testing::HasSubstr("plugin = \"" + first_plugin +
                                           "\"\nclaim = \"vendor 0x8086, \\\"quoted\\\" \\\\ "
                                           "too\"\nschema_version = "))
        << name;
    EXPECT_EQ(assemble(text, name, registry), bytes) << name;
  }
}

}  // namespace
}  // namespace capstate::goldentest
