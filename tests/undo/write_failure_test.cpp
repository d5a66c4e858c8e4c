// A write error part-way through a restore: the error lists what was done and not done, names
// the undo file, and restoring that file brings back what was already written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "restore/undo.hpp"
#include "undo_fixture.hpp"

namespace capstate::undotest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Run as "nobody": the first device's config file is writable (0666), the second's is
// read-only (0444), so the restore writes the first device and fails at the second.
TEST_F(UndoFixture, FailedWriteNamesTheUndoFileWhichBringsTheDevicesBack) {
  add_sysfs_device(sysfs_, kSecond, clobbered_, 0444);
  const RunResult r = restore({}, {.as_nobody = true});
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::filesystem::path> undo = files_ending(undo_dir_, ".state");
  ASSERT_EQ(undo.size(), 1U) << r.err;
  const std::string path = undo[0].string();
  EXPECT_THAT(r.err, HasSubstr("0000:02:00.0: restore stopped: writing ltr max_latencies at "
                               "0x14c (32-bit) failed: "));
  EXPECT_THAT(r.err, HasSubstr("  not done: ltr max_latencies at 0x14c (32-bit) = 0x0c0f0846\n"));
  EXPECT_THAT(r.err, HasSubstr("\n  restored before: 0000:01:00.0 ("));
  EXPECT_THAT(r.err, HasSubstr("\nTo go back to the state before this restore, restore the undo "
                               "file " +
                               path + ": capstate restore -i " + path + "\n"));
  EXPECT_THAT(r.err, Not(HasSubstr("Restore the undo file to go back")));
  // The first device was restored, the second not at all.
  EXPECT_EQ(word_at(read_bytes(first_), kSnoop), 0x0846);
  EXPECT_EQ(read_bytes(second_), clobbered_);
  // The undo file (written before any device) takes the first device back.
  add_sysfs_device(sysfs_, kSecond, clobbered_, 0666);
  // The undo file belongs to the unprivileged user who ran the failed restore: trusted on purpose.
  const RunResult back = run({"restore", "-i", path, "--no-undo", "--allow-untrusted-state"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(read_bytes(first_), clobbered_);
  EXPECT_EQ(read_bytes(second_), clobbered_);
}

TEST_F(UndoFixture, FailedWriteWithoutUndoFileSaysWhy) {
  add_sysfs_device(sysfs_, kSecond, clobbered_, 0444);
  const RunResult r = restore({"--no-undo"}, {.as_nobody = true});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("\nNo undo file was saved: --no-undo was given; restore a state "
                               "file saved earlier to go back\n"));
  EXPECT_FALSE(std::filesystem::exists(undo_dir_));
}

// The text itself: apply_plan's generic last sentence is replaced, devices before and after the
// failed one are listed.
TEST(WriteFailureText, ListsDevicesAndTheWayBack) {
  std::vector<core::DeviceRestore> restores(3);
  restores[0].plan.address = {0, 1, 0, 0};
  restores[0].result.written = 4;
  restores[1].plan.address = {0, 2, 0, 0};
  restores[2].plan.address = {0, 3, 0, 0};
  const std::string apply =
      "0000:02:00.0: restore stopped: writing x failed: boom\n  not done: x\n"
      "Restore the undo file to go back to the state before this restore";
  EXPECT_EQ(core::write_failure_text(apply, restores, 1, "/u/1.state", "unused"),
            "0000:02:00.0: restore stopped: writing x failed: boom\n  not done: x\n"
            "  restored before: 0000:01:00.0 (4 writes)\n"
            "  not started:     0000:03:00.0\n"
            "To go back to the state before this restore, restore the undo file /u/1.state: "
            "capstate restore -i /u/1.state");
  EXPECT_EQ(core::write_failure_text(apply, restores, 0, "", "because"),
            "0000:02:00.0: restore stopped: writing x failed: boom\n  not done: x\n"
            "  not started:     0000:02:00.0\n"
            "  not started:     0000:03:00.0\n"
            "No undo file was saved: because");
}

TEST(UndoFilePath, IsUtcTimestampAndPid) {
  EXPECT_EQ(core::undo_file_path("/var/lib/capstate/undo", 1764080280, 1234),
            std::filesystem::path("/var/lib/capstate/undo/20251125T141800Z-1234.state"));
  EXPECT_EQ(core::undo_file_line("/u/a.state"),
            "undo file: /u/a.state (revert with: capstate restore -i /u/a.state)");
}

}  // namespace
}  // namespace capstate::undotest
