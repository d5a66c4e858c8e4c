// capstate migrate through the real binary: a saved q35 file written for schema 1 everywhere,
// refused without --allow-lossy, inspected, then restored (migrated back to 2 on the way).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

class CliMigrate : public ::testing::Test {
 protected:
  void SetUp() override {
    const RunResult r = run_capstate(tmp_, {"save", "--dump", q35(), "-o", v2_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir tmp_;
  std::string v2_ = tmp_.file("q35-v2.cst");
  std::string v1_ = tmp_.file("q35-v1.cst");
};

TEST_F(CliMigrate, DowngradeWithoutAllowLossyFailsNamingTheVectorTable) {
  const RunResult r =
      run_capstate(tmp_, {"migrate", v2_, "--to", "pcie=1,ltr=1,msix=1", "-o", v1_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("plugin 'msix': going from schema 2 to 1 loses the MSI-X vector "
                               "table and its location; allow it with --allow-lossy"));
  EXPECT_THAT(r.err, HasSubstr("nothing was written"));
  EXPECT_FALSE(std::filesystem::exists(v1_));
}

TEST_F(CliMigrate, DowngradeWithAllowLossyWritesSchemaOneRecords) {
  const RunResult r = run_capstate(
      tmp_, {"migrate", v2_, "--to", "pcie=1,ltr=1,msix=1", "-o", v1_, "--allow-lossy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("lossy steps)"));
  EXPECT_THAT(r.err, HasSubstr("the MSI-X vector table and its location"));
  const RunResult inspect = run_capstate(tmp_, {"inspect", v1_});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, Not(HasSubstr("schema_version = 2")));
  const RunResult before = run_capstate(tmp_, {"inspect", v2_});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  // Every record of the file is now schema 1 (msi has only schema 1), and none was dropped.
  EXPECT_EQ(
      count_of(inspect.out, "schema_version = 1"),
      count_of(before.out, "schema_version = 2") + count_of(before.out, "schema_version = 1"));
  EXPECT_GT(count_of(inspect.out, "schema_version = 1"), 10U);
  // Root port 00:01.0 in schema 1 form: the fixed array (slot_control2 is never present).
  EXPECT_THAT(inspect.out, HasSubstr("plugin = \"pcie\"\nschema_version = 1\n"));
  EXPECT_THAT(inspect.out, HasSubstr("slot_control = 0x01c0\n"));
  EXPECT_THAT(inspect.out, Not(HasSubstr("table_location")));
  EXPECT_THAT(inspect.out, Not(HasSubstr("link_control_aspm")));
}

TEST_F(CliMigrate, RestoringTheSchemaOneFileBringsBackTheDump) {
  ASSERT_EQ(run_capstate(
                tmp_, {"migrate", v2_, "--to", "pcie=1,ltr=1,msix=1", "-o", v1_, "--allow-lossy"})
                .exit_code,
            0);
  const std::string original = read_text(q35());
  // Root port 00:01.0: DevCtl 000f -> 0, SltCtl 01c0 -> 0, MSI-X control 8000 -> 0.
  std::string text = patch_dump(original, "00:01.0", 0x5c, {0x00, 0x00});
  text = patch_dump(text, "00:01.0", 0x6c, {0x00, 0x00});
  text = patch_dump(text, "00:01.0", 0x4a, {0x00, 0x00});
  const std::string clobbered = tmp_.file("clobbered.txt");
  const std::string out = tmp_.file("out.txt");
  write_text(clobbered, text);
  const RunResult r =
      run_capstate(tmp_, {"restore", "-i", v1_, "--dump", clobbered, "--output-dump", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("0000:00:01.0: 3 writes; verify OK (3 registers)"));
  EXPECT_EQ(read_text(out), original);
}

}  // namespace
}  // namespace capstate::clitest
