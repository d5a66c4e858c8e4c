// write_file_atomically: readers see the old file or the new one, never a mix, and failures leave
// the old file as it was with no temporary file behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>

#include "samples.hpp"
#include "statefile/state_file_io.hpp"
#include "util/atomic_file.hpp"

namespace capstate::core {
namespace {

using test::read_text;
using test::write_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(AtomicWrite, CreatesANewFileWithMode0644) {
  test::TempDir dir;
  std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xff, 0x0a};
  write_file_atomically(dir.path() / "new.bin", std::span<const std::uint8_t>(bytes));
  EXPECT_EQ(read_text(dir.path() / "new.bin"), std::string("\x00\x01\xff\n", 4));
  EXPECT_EQ(mode_of(dir.path() / "new.bin"), 0644u);
  EXPECT_THAT(dir.entries(), ElementsAre("new.bin"));
}

TEST(AtomicWrite, ReplacesAFileKeepingItsMode) {
  test::TempDir dir;
  std::filesystem::path target = dir.path() / "state.cst";
  write_text(target, "old content");
  ASSERT_EQ(::chmod(target.c_str(), 0600), 0);
  std::string seen_before_rename, temp_content;
  AtomicWriteHooks hooks;
  hooks.before_rename = [&](const std::filesystem::path& temp) {
    seen_before_rename = read_text(target);
    temp_content = read_text(temp);
    EXPECT_EQ(temp.parent_path(), dir.path());
    EXPECT_THAT(temp.filename().string(), StartsWith(".state.cst.tmp."));
  };
  write_file_atomically(target, std::string("new content, longer"), hooks);
  EXPECT_EQ(seen_before_rename, "old content");
  EXPECT_EQ(temp_content, "new content, longer");
  EXPECT_EQ(read_text(target), "new content, longer");
  EXPECT_EQ(mode_of(target), 0600u);
  EXPECT_THAT(dir.entries(), ElementsAre("state.cst"));
}

TEST(AtomicWrite, FailureBeforeRenameLeavesTheOldFileAndNoTemporary) {
  test::TempDir dir;
  std::filesystem::path target = dir.path() / "state.cst";
  std::string old_bytes("old\0bytes\xff", 10);
  write_text(target, old_bytes);
  std::filesystem::path temp_seen;
  AtomicWriteHooks hooks;
  hooks.before_rename = [&](const std::filesystem::path& temp) {
    temp_seen = temp;
    throw std::runtime_error("simulated crash before rename");
  };
  EXPECT_THROW(
      {
        try {
          write_file_atomically(target, std::string(5000, 'n'), hooks);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "simulated crash before rename");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_EQ(read_text(target), old_bytes);
  EXPECT_FALSE(temp_seen.empty());
  EXPECT_FALSE(std::filesystem::exists(temp_seen));
  EXPECT_THAT(dir.entries(), ElementsAre("state.cst"));
}

TEST(AtomicWrite, MissingDirectoryIsNamed) {
  test::TempDir dir;
  std::filesystem::path target = dir.path() / "no-such-dir" / "state.cst";
  try {
    write_file_atomically(target, std::string("x"));
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot write '" + target.string() + "': the directory '" +
                                    (dir.path() / "no-such-dir").string() + "' does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    EXPECT_EQ(e.path(), target);
    EXPECT_EQ(e.error_number(), ENOENT);
  }
}

TEST(AtomicWrite, RefusesToReplaceADirectory) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.path() / "sub");
  try {
    write_file_atomically(dir.path() / "sub", std::string("x"));
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sub': it is a directory"));
  }
  EXPECT_THAT(dir.entries(), ElementsAre("sub"));
}

TEST(AtomicWrite, UnwritableDirectoryLeavesNothing) {
  test::TempDir dir;
  std::filesystem::path target = dir.path() / "state.cst";
  write_text(target, "old");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  // In a child process: root first drops to "nobody", since root may write anywhere.
  EXPECT_EXIT(
      {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
          std::_Exit(3);
        }
        try {
          write_file_atomically(target, std::string("new"));
        } catch (const FileError& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::_Exit(0);
        }
        std::_Exit(2);
      },
      ::testing::ExitedWithCode(0), "state\\.cst.*Permission denied");
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_EQ(read_text(target), "old");
  EXPECT_THAT(dir.entries(), ElementsAre("state.cst"));
}

TEST(StateFileIo, WritesAndReadsBack) {
  test::TempDir dir;
  StateFile f = test::sample_state(2, 2);
  write_state_file(dir.path() / "s.cst", f);
  EXPECT_EQ(read_state_file(dir.path() / "s.cst"), f);
}

TEST(StateFileIo, ErrorsNameTheFile) {
  test::TempDir dir;
  std::filesystem::path p = dir.path() / "s.cst";
  write_text(p, "not a state file at all");
  try {
    read_state_file(p);
    FAIL() << "accepted";
  } catch (const StateFileError& e) {
    EXPECT_THAT(e.what(), StartsWith(p.string() + ": byte 0x0: not a capstate state file"));
  }
  StateFile bad = test::sample_state(1, 1);
  bad.devices[0].records[0].plugin.clear();
  EXPECT_THROW(write_state_file(p, bad), StateFileError);
  EXPECT_EQ(read_text(p), "not a state file at all");
}

}  // namespace
}  // namespace capstate::core
