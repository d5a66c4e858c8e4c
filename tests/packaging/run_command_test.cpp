// core::run_command, which starts the programs of the live-update verbs (kexec -u) and the capstate
// of another root file system: exit status, death by signal, the exact environment given, a
// program that cannot start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/file_text.hpp"
#include "support/temp_dir.hpp"
#include "util/file_error.hpp"
#include "util/process.hpp"

namespace capstate::core {
namespace {

using ::testing::HasSubstr;

TEST(RunCommand, ReturnsTheExitStatus) {
  EXPECT_EQ(run_command({"/bin/sh", "-c", "exit 0"}, {}), 0);
  EXPECT_EQ(run_command({"/bin/sh", "-c", "exit 3"}, {}), 3);
}

TEST(RunCommand, ADeathBySignalIs128PlusTheSignal) {
  EXPECT_EQ(run_command({"/bin/sh", "-c", "kill -9 $$"}, {}), 128 + 9);
}

TEST(RunCommand, TheChildGetsExactlyTheEnvironmentGiven) {
  testsupport::TempDir tmp;
  const std::filesystem::path out = tmp / "env.txt";
  ASSERT_EQ(run_command({"/bin/sh", "-c", "env > \"$OUT\""}, {"OUT=" + out.string(), "ONLY=this"}),
            0);
  const std::string env = testsupport::read_text(out);
  EXPECT_THAT(env, HasSubstr("ONLY=this\n"));
  EXPECT_THAT(env, ::testing::Not(HasSubstr("HOME=")));  // nothing of ours leaks
}

TEST(RunCommand, AProgramNotOnThePathIsAFileErrorNamingTheCommand) {
  try {
    run_command({"capstate-no-such-program", "-u"}, {});
    FAIL() << "no FileError";
  } catch (const FileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot start capstate-no-such-program -u"));
    EXPECT_NE(e.error_number(), 0);
  }
}

TEST(RunCommand, CommandTextJoinsTheArguments) {
  EXPECT_EQ(command_text({"kexec", "-u"}), "kexec -u");
  EXPECT_EQ(command_text({}), "");
}

}  // namespace
}  // namespace capstate::core
