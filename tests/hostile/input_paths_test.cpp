// Paths that are not a readable, bounded regular file, given to every file reader: state files,
// lspci dumps, raw images and policy files. Each is refused with a message naming the file and
// the problem; a FIFO never blocks; an endless or oversized file is never read whole.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>

#include "alloc_counter.hpp"
#include "backends/image_source.hpp"
#include "hostile_support.hpp"
#include "policy/policy.hpp"
#include "statefile/state_file_io.hpp"

namespace capstate::hostile {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

/// One reader under test: its name and a call that reads `path`.
struct Reader {
  std::string name;
  std::function<void(const std::filesystem::path&)> read;
};

std::vector<Reader> readers() {
  return {
      {"state file", [](const auto& p) { core::read_state_file(p); }},
      {"lspci dump", [](const auto& p) { core::DumpSource source(p); }},
      {"raw image", [](const auto& p) { core::ImageSource source(p, address("0000:00:01.0")); }},
      {"policy file",
       [](const auto& p) {
         core::Policy policy = core::default_policy();
         core::merge_policy_file(policy, p);
       }},
  };
}

/// The error text of `fn()`, or "" when it did not throw.
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

/// error_of(fn) but giving up after 10 s (then unblocking a reader stuck on `fifo`).
std::string error_within_time(const std::function<void()>& fn, const std::filesystem::path& fifo) {
  auto future = std::async(std::launch::async, [&] { return error_of(fn); });
  if (future.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // lets a blocked open() return
    if (fd >= 0) {
      ::close(fd);
    }
    future.wait();
    return "BLOCKED on the FIFO";
  }
  return future.get();
}

TEST(HostilePaths, Missing) {
  TempDir dir;
  for (const Reader& r : readers()) {
    const std::string e = error_of([&] { r.read(dir / "missing"); });
    EXPECT_THAT(e, AllOf(HasSubstr((dir / "missing").string()),
                         ::testing::AnyOf(HasSubstr("the file does not exist; check the path"),
                                          HasSubstr("No such file or directory; check the path"))))
        << r.name;
  }
}

TEST(HostilePaths, Directory) {
  TempDir dir;
  for (const Reader& r : readers()) {
    EXPECT_THAT(error_of([&] { r.read(dir.path()); }),
                AllOf(HasSubstr(dir.path().string()),
                      HasSubstr("it is a directory, not a file; give the path of a file")))
        << r.name;
  }
}

TEST(HostilePaths, Unreadable) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads files whatever their mode (CI runs as root)";
  }
  TempDir dir;
  write_text(dir / "secret", "x");
  ::chmod((dir / "secret").c_str(), 0);
  for (const Reader& r : readers()) {
    EXPECT_THAT(error_of([&] { r.read(dir / "secret"); }), HasSubstr("Permission denied"))
        << r.name;
  }
}

TEST(HostilePaths, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  const auto fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const Reader& r : readers()) {
    const auto started = std::chrono::steady_clock::now();
    const std::string e = error_within_time([&] { r.read(fifo); }, fifo);
    EXPECT_THAT(e, AllOf(HasSubstr(fifo.string()),
                         HasSubstr("it is a named pipe (FIFO), not a regular file")))
        << r.name;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << r.name;
  }
}

TEST(HostilePaths, EmptyFile) {
  TempDir dir;
  write_text(dir / "empty", "");
  for (const Reader& r : readers()) {
    const std::string e = error_of([&] { r.read(dir / "empty"); });
    if (r.name == "policy file") {
      EXPECT_EQ(e, "") << "an empty policy file is an empty, valid layer";
    } else if (r.name == "lspci dump") {
      EXPECT_THAT(e, HasSubstr("empty: no device found; expected the text printed by lspci -x"));
    } else if (r.name == "raw image") {
      EXPECT_THAT(e, HasSubstr("empty: raw image is 0 bytes; expected exactly 256"));
    } else {
      EXPECT_THAT(e, HasSubstr("the file is empty")) << r.name;
    }
  }
}

TEST(HostilePaths, EndlessDeviceFile) {
  for (const Reader& r : readers()) {
    const std::string e = error_within_time([&] { r.read("/dev/zero"); }, "/dev/null");
    EXPECT_THAT(e, AllOf(HasSubstr("/dev/zero"), HasSubstr("it is a device node, not a regular "
                                                           "file")))
        << r.name;
  }
}

TEST(HostilePaths, OversizedSparseFileIsRefusedWithoutReadingIt) {
  TempDir dir;
  const auto big = dir / "big";
  const int fd = ::open(big.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t{1} << 30), 0);  // 1 GiB of holes: no disk used
  ::close(fd);
  for (const Reader& r : readers()) {
    reset_largest_allocation();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THAT(error_of([&] { r.read(big); }),
                AllOf(HasSubstr(big.string()), HasSubstr("the file is 1073741824 bytes, larger "
                                                         "than the limit of")))
        << r.name;
    EXPECT_LT(largest_allocation(), std::size_t{1} << 20) << r.name;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << r.name;
  }
}

}  // namespace
}  // namespace capstate::hostile
