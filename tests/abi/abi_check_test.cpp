// `capstate abi check` and compare_abi/check_abi: what passes and what fails, with which words.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "abi/abi_compare.hpp"
#include "abi_test_util.hpp"

namespace capstate::abitest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A two-version plugin description with made-up (but distinct) texts.
core::PluginAbi sample(std::uint16_t oldest, std::uint16_t current) {
  core::PluginAbi abi{"demo", oldest, current, {}};
  for (unsigned v = oldest; v <= current; ++v) {
    abi.schema_texts[static_cast<std::uint16_t>(v)] =
        "capstate-layout 1\nplugin demo\nschema " + std::to_string(v) +
        "\nencoding all_fields\nfields 1\nfield a offset=0x0004 width=16 writable=0x0000ffff "
        "w1c=0x00000000 verify=0x00000000 phase=0 present=always\nextra none\nend\n";
  }
  return abi;
}

TEST(AbiCompare, IdenticalDescriptionsPass) {
  const core::PluginAbi now = sample(1, 2);
  EXPECT_THAT(core::compare_abi(sample(1, 2), &now, {}), IsEmpty());
}

TEST(AbiCompare, NewVersionWithItsBaselinePasses) {
  const core::PluginAbi now = sample(1, 3);
  EXPECT_THAT(core::compare_abi(sample(1, 3), &now, {}), IsEmpty());
  const auto result = core::check_abi({{sample(1, 3), {}}}, {now});
  EXPECT_THAT(result.problems, IsEmpty());
  EXPECT_THAT(result.summary, ElementsAre("demo: schemas 1..3 match the baseline"));
}

TEST(AbiCompare, NewVersionWithoutBaselineFails) {
  const core::PluginAbi now = sample(1, 3);
  EXPECT_THAT(core::compare_abi(sample(1, 2), &now, {}),
              ElementsAre(HasSubstr("plugin 'demo' schema 3 has no baseline file "
                                    "demo/schema-3.txt but the plugin reads it")));
}

TEST(AbiCompare, DisappearedVersionFails) {
  const core::PluginAbi now = sample(1, 1);
  EXPECT_THAT(core::compare_abi(sample(1, 2), &now, {}),
              ElementsAre("plugin 'demo' schema 2: released (in the baseline) but the plugin no "
                          "longer reads it (it reads 1..1); restore the layout of schema 2"));
}

TEST(AbiCompare, RaisedOldestWithoutNoteFailsTwice) {
  const core::PluginAbi now = sample(2, 2);
  const auto problems = core::compare_abi(sample(1, 2), &now, {});
  ASSERT_THAT(problems, SizeIs(2));
  EXPECT_THAT(problems[0], HasSubstr("plugin 'demo': oldest readable schema raised from 1 to 2 "
                                     "without a note"));
  EXPECT_THAT(problems[0], HasSubstr("'oldest 2: <reason>' to the baseline's demo/NOTES"));
  EXPECT_THAT(problems[1], HasSubstr("plugin 'demo' schema 1: released (in the baseline) but the "
                                     "plugin no longer reads it (it reads 2..2)"));
}

TEST(AbiCompare, RaisedOldestWithNoteForThatVersionPasses) {
  const core::PluginAbi now = sample(2, 2);
  core::AbiNotes notes;
  notes.oldest[2] = "schema 1 files predate release 1.0";
  EXPECT_THAT(core::compare_abi(sample(1, 2), &now, notes), IsEmpty());
  const auto result = core::check_abi({{sample(1, 2), notes}}, {now});
  EXPECT_THAT(result.summary,
              ElementsAre("demo: schemas 2..2 match the baseline; oldest raised from 1 (NOTES: "
                          "schema 1 files predate release 1.0)"));
}

TEST(AbiCompare, NoteForAnotherVersionDoesNotCount) {
  const core::PluginAbi now = sample(2, 3);
  core::AbiNotes notes;
  notes.oldest[3] = "not this one";
  const auto problems = core::compare_abi(sample(1, 3), &now, notes);
  ASSERT_THAT(problems, SizeIs(2));
  EXPECT_THAT(problems[0], HasSubstr("raised from 1 to 2 without a note"));
}

TEST(AbiCompare, RaisedOldestAlreadyInTheBaselineStillNeedsItsNote) {
  const core::PluginAbi now = sample(2, 3);
  EXPECT_THAT(core::compare_abi(sample(2, 3), &now, {}),
              ElementsAre("plugin 'demo': oldest readable schema is 2, above 1, but the "
                          "baseline's demo/NOTES has no line 'oldest 2: <reason>' saying why "
                          "older files are no longer read"));
  core::AbiNotes notes;
  notes.oldest[2] = "ok";
  EXPECT_THAT(core::compare_abi(sample(2, 3), &now, notes), IsEmpty());
}

TEST(AbiCompare, NoteDoesNotExcuseAVersionAboveTheNewOldest) {
  core::PluginAbi now = sample(2, 3);
  now.schema_texts.erase(3);
  now.current = 2;
  core::AbiNotes notes;
  notes.oldest[2] = "ok";
  EXPECT_THAT(core::compare_abi(sample(1, 3), &now, notes),
              ElementsAre(HasSubstr("plugin 'demo' schema 3: released (in the baseline) but the "
                                    "plugin no longer reads it")));
}

TEST(AbiCompare, ChangedTextNamesTheFirstDifferingLineBothWays) {
  core::PluginAbi now = sample(1, 2);
  std::string& text = now.schema_texts[1];
  text.replace(text.find("extra none"), 10, "extra u8 x");
  EXPECT_THAT(core::compare_abi(sample(1, 2), &now, {}),
              ElementsAre(HasSubstr("plugin 'demo' schema 1: released layout changed at line 7: "
                                    "baseline 'extra none', build 'extra u8 x'; a released layout "
                                    "must never change")));
}

TEST(AbiCompare, MissingPluginNamesTheSearchedDirectories) {
  EXPECT_THAT(core::compare_abi(sample(1, 2), nullptr, {}, "/opt/a, /opt/b"),
              ElementsAre(HasSubstr("plugin 'demo': in the baseline but not loaded (searched: "
                                    "/opt/a, /opt/b)")));
}

TEST(AbiCompare, LoadedPluginWithoutAnyBaselineFails) {
  const auto result = core::check_abi({}, {sample(1, 2)});
  EXPECT_THAT(result.problems, ElementsAre(HasSubstr("plugin 'demo': loaded but has no baseline "
                                                     "directory demo/")));
}

// ---- through the binary --------------------------------------------------------------------

TEST(AbiCheckCli, PassesAgainstTheCommittedBaseline) {
  TempDir tmp;
  const RunResult run =
      run_capstate(tmp, {"abi", "check", "--baseline", committed_baseline().string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::string expected;
  for (const auto& [name, schemas] : baseline_plugins()) {
    expected += name + ": schemas 1.." + std::to_string(schemas) + " match the baseline\n";
  }
  EXPECT_EQ(run.out, expected);
  EXPECT_THAT(run.out, HasSubstr("ltr: schemas 1..2 match the baseline\n"));
}

TEST(AbiCheckCli, PassesAgainstADumpOfItself) {
  TempDir tmp;
  const std::string dir = (tmp.path() / "abi").string();
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", dir}).exit_code, 0);
  const RunResult run = run_capstate(tmp, {"abi", "check", "--baseline", dir});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("pcie: schemas 1..2 match the baseline"));
}

TEST(AbiCheckCli, BaselinedPluginNotLoadedFailsNamingTheSearchedDirectory) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "abi";
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", dir.string()}).exit_code, 0);
  core::write_abi_dump({sample(1, 1)}, dir);
  const RunResult run = run_capstate(tmp, {"abi", "check", "--baseline", dir.string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("plugin 'demo': in the baseline but not loaded (searched: "));
  EXPECT_THAT(run.err, HasSubstr(build_plugin_dir().lexically_normal().string()));
}

TEST(AbiCheckCli, LoadedPluginWithoutBaselineFailsAndJsonListsTheProblems) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "abi";
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", dir.string()}).exit_code, 0);
  fs::remove_all(dir / "msix");
  const RunResult run = run_capstate(tmp, {"--json", "abi", "check", "--baseline", dir.string()});
  EXPECT_EQ(run.exit_code, 1);
  const auto error = nlohmann::json::parse(run.out).at("error");
  EXPECT_EQ(error.at("kind"), "plugin");
  const auto problems = error.at("problems");
  ASSERT_TRUE(problems.is_array());
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0].get<std::string>(),
              HasSubstr("plugin 'msix': loaded but has no baseline directory msix/"));
}

TEST(AbiCheckCli, RaisedOldestNeedsTheNotesFile) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "abi";
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", dir.string()}).exit_code, 0);
  // Pretend ltr once also read a schema 0: the build's oldest (1) is then a raise.
  core::BaselinePlugin ltr = core::read_abi_baseline_plugin(dir / "ltr");
  ltr.abi.oldest = 0;
  ltr.abi.schema_texts[0] = "capstate-layout 1\nplugin ltr\nschema 0\nfields 0\nextra none\nend\n";
  core::write_abi_dump({ltr.abi}, dir);
  RunResult run = run_capstate(tmp, {"abi", "check", "--baseline", dir.string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("plugin 'ltr': oldest readable schema raised from 0 to 1 "
                                 "without a note"));
  EXPECT_THAT(run.err, HasSubstr("plugin 'ltr' schema 0: released (in the baseline) but the "
                                 "plugin no longer reads it (it reads 1..2)"));
  write_text(dir / "ltr/NOTES", "# why the window moved\noldest 1: schema 0 was never shipped\n");
  run = run_capstate(tmp, {"abi", "check", "--baseline", dir.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("ltr: schemas 1..2 match the baseline; oldest raised from 0 "
                                 "(NOTES: schema 0 was never shipped)"));
}

TEST(AbiCheckCli, MissingBaselineDirectoryIsAFailure) {
  TempDir tmp;
  const RunResult run =
      run_capstate(tmp, {"abi", "check", "--baseline", (tmp.path() / "nowhere").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("baseline directory '" + (tmp.path() / "nowhere").string() +
                                 "' does not exist"));
}

TEST(AbiCheckCli, AbiWithoutSubcommandIsAUsageError) {
  TempDir tmp;
  EXPECT_EQ(run_capstate(tmp, {"abi"}).exit_code, 2);
  EXPECT_EQ(run_capstate(tmp, {"abi", "check"}).exit_code, 2);
}

}  // namespace
}  // namespace capstate::abitest
