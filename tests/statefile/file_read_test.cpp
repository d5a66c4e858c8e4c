// read_file_bounded: refuses every kind of file that is not a readable, non-empty regular file
// within the limit, without blocking on FIFOs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>

#include "samples.hpp"
#include "util/file_read.hpp"

namespace capstate::core {
namespace {

using test::write_text;
using ::testing::HasSubstr;

std::string refusal(const std::filesystem::path& p, std::size_t limit = 1000) {
  try {
    read_file_bounded(p, limit);
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), p);
    return e.what();
  }
  return "(read)";
}

TEST(ReadFileBounded, ReadsARegularFile) {
  test::TempDir dir;
  write_text(dir.path() / "f", std::string("a\0b", 3));
  EXPECT_EQ(read_file_bounded(dir.path() / "f", 3), (std::vector<std::uint8_t>{'a', 0, 'b'}));
  EXPECT_EQ(read_text_file_bounded(dir.path() / "f", 100), std::string("a\0b", 3));
}

TEST(ReadFileBounded, MissingFile) {
  test::TempDir dir;
  std::filesystem::path p = dir.path() / "nothing.cst";
  EXPECT_EQ(refusal(p),
            "cannot read '" + p.string() + "': the file does not exist; check the path");
  EXPECT_THAT(refusal(dir.path() / "nothing" / "below"), HasSubstr("the file does not exist"));
}

TEST(ReadFileBounded, Directory) {
  test::TempDir dir;
  EXPECT_EQ(refusal(dir.path()), "cannot read '" + dir.path().string() +
                                     "': it is a directory, not a file; give the path of a file");
}

TEST(ReadFileBounded, FifoIsRefusedWithoutBlocking) {
  test::TempDir dir;
  std::filesystem::path p = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0);
  // Nobody writes the FIFO: opening it for reading would block this test forever.
  EXPECT_THAT(refusal(p), HasSubstr("it is a named pipe (FIFO), not a regular file"));
}

TEST(ReadFileBounded, DeviceNode) {
  EXPECT_THAT(refusal("/dev/null"), HasSubstr("'/dev/null': it is a device node"));
}

TEST(ReadFileBounded, EmptyFile) {
  test::TempDir dir;
  write_text(dir.path() / "empty", "");
  EXPECT_THAT(refusal(dir.path() / "empty"), HasSubstr("empty': the file is empty"));
}

TEST(ReadFileBounded, TooLargeIsRefusedBeforeReading) {
  test::TempDir dir;
  write_text(dir.path() / "big", std::string(100, 'x'));
  EXPECT_THAT(refusal(dir.path() / "big", 99),
              HasSubstr("big': the file is 100 bytes, larger than the limit of 99 bytes"));
  EXPECT_EQ(read_file_bounded(dir.path() / "big", 100).size(), 100u);
}

TEST(ReadFileBounded, Unreadable) {
  test::TempDir dir;
  write_text(dir.path() / "secret", "x");
  ASSERT_EQ(::chmod((dir.path() / "secret").c_str(), 0), 0);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  // In a child process: root first drops to "nobody", since root reads every file.
  EXPECT_EXIT(
      {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
          std::_Exit(3);
        }
        std::fprintf(stderr, "%s\n", refusal(dir.path() / "secret").c_str());
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0),
      "the file cannot be opened for reading: Permission denied; check its permissions");
}

TEST(ReadFileBounded, FollowsSymlinksToRegularFiles) {
  test::TempDir dir;
  write_text(dir.path() / "real", "data");
  std::filesystem::create_symlink(dir.path() / "real", dir.path() / "link");
  EXPECT_EQ(read_text_file_bounded(dir.path() / "link", 10), "data");
}

}  // namespace
}  // namespace capstate::core
