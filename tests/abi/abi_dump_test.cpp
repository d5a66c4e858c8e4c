// `capstate abi dump`: which files it writes, what they hold, determinism and replacement.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "abi/abi_baseline.hpp"
#include "abi_test_util.hpp"
#include "engine/layout_text.hpp"
#include "pcie_layout.hpp"

namespace capstate::abitest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(AbiDump, WritesExactlyThePluginAndSchemaFiles) {
  TempDir tmp;
  const RunResult run = run_capstate(tmp, {"abi", "dump", "-o", (tmp.path() / "abi").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("pcie: schemas 1..2 written to"));
  // One directory per bundled plugin with plugin.txt and a schema file per schema: the files of
  // the committed baseline (whose bytes MatchesTheCommittedBaselineByteForByte compares).
  std::vector<std::string> committed = files_below(committed_baseline());
  std::erase(committed, "README.md");
  EXPECT_EQ(files_below(tmp.path() / "abi"), committed);
  EXPECT_THAT(files_below(tmp.path() / "abi"),
              ::testing::IsSupersetOf({"acs/plugin.txt", "acs/schema-1.txt", "ltr/schema-2.txt",
                                       "pcie/schema-2.txt", "vc/schema-1.txt"}));
  EXPECT_EQ(read_text(tmp.path() / "abi/pcie/plugin.txt"),
            "capstate-abi-plugin 1\nname pcie\noldest_schema 1\ncurrent_schema 2\n");
}

TEST(AbiDump, SchemaFilesAreTheCanonicalTextPlusTheLayoutFingerprint) {
  TempDir tmp;
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", (tmp.path() / "abi").string()}).exit_code, 0);
  for (const Layout& layout : pcie::kLayouts) {
    const std::string text =
        read_text(tmp.path() / fmt::format("abi/pcie/schema-{}.txt", layout.schema_version));
    const std::string canonical = core::canonical_layout_text("pcie", layout);
    EXPECT_EQ(text, canonical + fmt::format("fingerprint 0x{:016x}\n",
                                            core::layout_fingerprint("pcie", layout)));
    const auto lines = lines_of(text);
    ASSERT_GE(lines.size(), 4U);
    EXPECT_EQ(lines[0], "capstate-layout 1");
    EXPECT_EQ(lines[1], "plugin pcie");
    EXPECT_EQ(lines[2], fmt::format("schema {}", layout.schema_version));
    EXPECT_EQ(lines[lines.size() - 2], "end");
  }
  // Every schema file of every plugin: the fingerprint line is the CRC of the text above it.
  for (const std::string& rel : files_below(tmp.path() / "abi")) {
    if (rel.find("schema-") == std::string::npos) {
      continue;
    }
    const std::string text = read_text(tmp.path() / "abi" / rel);
    const std::size_t cut = text.rfind("fingerprint ");
    ASSERT_NE(cut, std::string::npos) << rel;
    EXPECT_EQ(text.substr(cut),
              fmt::format("fingerprint 0x{:016x}\n", core::text_fingerprint(text.substr(0, cut))))
        << rel;
  }
}

TEST(AbiDump, IsDeterministicReplacesStaleSchemasAndKeepsNotes) {
  TempDir tmp;
  const fs::path out = tmp.path() / "abi";
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", out.string()}).exit_code, 0);
  const std::string first = read_text(out / "pcie/schema-2.txt");
  write_text(out / "pcie/schema-2.txt", "scribbled\n");
  write_text(out / "pcie/schema-7.txt", "stale\n");
  write_text(out / "pcie/NOTES", "oldest 2: kept\n");
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", out.string()}).exit_code, 0);
  EXPECT_EQ(read_text(out / "pcie/schema-2.txt"), first);
  EXPECT_FALSE(fs::exists(out / "pcie/schema-7.txt"));
  EXPECT_EQ(read_text(out / "pcie/NOTES"), "oldest 2: kept\n");
}

TEST(AbiDump, MatchesTheCommittedBaselineByteForByte) {
  TempDir tmp;
  ASSERT_EQ(run_capstate(tmp, {"abi", "dump", "-o", (tmp.path() / "abi").string()}).exit_code, 0);
  for (const std::string& rel : files_below(tmp.path() / "abi")) {
    EXPECT_EQ(read_text(tmp.path() / "abi" / rel), read_text(committed_baseline() / rel)) << rel;
  }
}

TEST(AbiDump, JsonListsTheFilesWritten) {
  TempDir tmp;
  const RunResult run =
      run_capstate(tmp, {"--json", "abi", "dump", "-o", (tmp.path() / "abi").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr((tmp.path() / "abi/pcie/schema-2.txt").string()));
  EXPECT_THAT(run.out, HasSubstr((tmp.path() / "abi/ltr/plugin.txt").string()));
}

TEST(AbiDump, UnwritableOutputIsAFailureNamingThePath) {
  TempDir tmp;
  write_text(tmp.path() / "file", "x");
  const RunResult run =
      run_capstate(tmp, {"abi", "dump", "-o", (tmp.path() / "file/abi").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr((tmp.path() / "file/abi").string()));
}

}  // namespace
}  // namespace capstate::abitest
