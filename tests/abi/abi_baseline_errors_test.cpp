// Reading a malformed baseline: every error names the file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "abi/abi_baseline.hpp"
#include "abi_test_util.hpp"

namespace capstate::abitest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A copy of the committed pcie baseline in a temporary directory.
class AbiBaselineErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    fs::copy(committed_baseline() / "pcie", dir_);
  }
  // Replaces the first occurrence of `from` in `file` (relative to the copy) with `to`.
  void edit(const std::string& file, const std::string& from, const std::string& to) {
    std::string text = read_text(dir_ / file);
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    write_text(dir_ / file, text.replace(at, from.size(), to));
  }
  // The message read_abi_baseline_plugin throws, or "" when it reads fine.
  std::string error() {
    try {
      core::read_abi_baseline_plugin(dir_);
    } catch (const core::AbiBaselineError& e) {
      return e.what();
    }
    return "";
  }
  TempDir tmp_;
  fs::path dir_ = tmp_.path() / "pcie";
};

TEST_F(AbiBaselineErrors, TheCommittedCopyReads) {
  const core::BaselinePlugin p = core::read_abi_baseline_plugin(dir_);
  EXPECT_EQ(p.abi.name, "pcie");
  EXPECT_EQ(p.abi.oldest, 1);
  EXPECT_EQ(p.abi.current, 2);
  ASSERT_EQ(p.abi.schema_texts.size(), 2U);
  EXPECT_EQ(p.abi.schema_texts.at(2).rfind("capstate-layout 1\nplugin pcie\nschema 2\n", 0), 0U);
  EXPECT_TRUE(p.notes.oldest.empty());
}

TEST_F(AbiBaselineErrors, HandEditedSchemaTextFailsItsFingerprint) {
  edit("schema-2.txt", "offset=0x0010", "offset=0x0014");
  EXPECT_THAT(error(), HasSubstr((dir_ / "schema-2.txt").string() + ":15: fingerprint 0x"));
  EXPECT_THAT(error(), HasSubstr("does not match the text above it"));
}

TEST_F(AbiBaselineErrors, WrongTagInPluginFile) {
  edit("plugin.txt", "capstate-abi-plugin 1", "capstate-abi-plugin 9");
  EXPECT_THAT(error(),
              HasSubstr((dir_ / "plugin.txt").string() + ":1: expected 'capstate-abi-plugin 1'"));
}

TEST_F(AbiBaselineErrors, BadNumberInPluginFile) {
  edit("plugin.txt", "oldest_schema 1", "oldest_schema one");
  EXPECT_THAT(error(), HasSubstr("plugin.txt:3: 'one' is not a schema version"));
}

TEST_F(AbiBaselineErrors, PluginNameMustMatchTheDirectory) {
  edit("plugin.txt", "name pcie", "name other");
  EXPECT_THAT(error(), HasSubstr("plugin.txt:2: plugin 'other' in the directory of 'pcie'"));
}

TEST_F(AbiBaselineErrors, MissingSchemaFileInTheWindow) {
  fs::remove(dir_ / "schema-1.txt");
  EXPECT_THAT(error(), HasSubstr((dir_ / "schema-1.txt").string() + ": missing, but"));
}

TEST_F(AbiBaselineErrors, SchemaFileOutsideTheWindow) {
  fs::copy_file(dir_ / "schema-2.txt", dir_ / "schema-3.txt");
  EXPECT_THAT(error(), HasSubstr("schema-3.txt: schema 3 is outside the window 1..2"));
}

TEST_F(AbiBaselineErrors, SchemaLineMustMatchTheFileName) {
  fs::remove(dir_ / "schema-1.txt");
  fs::copy_file(dir_ / "schema-2.txt", dir_ / "schema-1.txt");
  EXPECT_THAT(error(), HasSubstr("schema-1.txt:3: expected 'schema 1' (the file name)"));
}

TEST_F(AbiBaselineErrors, MissingFingerprintLine) {
  std::string text = read_text(dir_ / "schema-2.txt");
  text.erase(text.rfind("fingerprint"));
  write_text(dir_ / "schema-2.txt", text);
  EXPECT_THAT(error(), HasSubstr("schema-2.txt:14: expected 'fingerprint <value>', found 'end'"));
}

TEST_F(AbiBaselineErrors, UnexpectedFile) {
  write_text(dir_ / "schema-2.text", "x\n");
  EXPECT_THAT(error(), HasSubstr("schema-2.text: unexpected file in a baseline plugin directory"));
}

TEST_F(AbiBaselineErrors, MalformedNotesLine) {
  write_text(dir_ / "NOTES", "# fine\noldest two: no number\n");
  EXPECT_THAT(error(), HasSubstr((dir_ / "NOTES").string() +
                                 ":2: expected 'oldest <N>: <reason>' (or a '#' comment), "
                                 "found 'oldest two: no number'"));
}

TEST_F(AbiBaselineErrors, NotesWithoutReason) {
  write_text(dir_ / "NOTES", "oldest 2:\n");
  EXPECT_THAT(error(), HasSubstr("NOTES:1: expected 'oldest <N>: <reason>'"));
}

TEST_F(AbiBaselineErrors, NotesAreRead) {
  write_text(dir_ / "NOTES", "\n# comment\noldest 2: old files are gone\n");
  const core::BaselinePlugin p = core::read_abi_baseline_plugin(dir_);
  ASSERT_EQ(p.notes.oldest.count(2), 1U);
  EXPECT_EQ(p.notes.oldest.at(2), "old files are gone");
}

}  // namespace
}  // namespace capstate::abitest
