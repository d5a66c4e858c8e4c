// Undo files: restore to a sysfs tree saves what it is about to overwrite first, says where, and
// restoring that file brings the devices back; no undo file, no writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "statefile/codec.hpp"
#include "undo_fixture.hpp"
#include "util/file_read.hpp"

namespace capstate::undotest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

core::StateFile decode(const std::filesystem::path& file) {
  return core::decode_state(read_bytes(file), file.string());
}

TEST_F(UndoFixture, RestoreWritesAnUndoFileFirstAndRestoringItGoesBack) {
  const RunResult r = restore();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::filesystem::path> undo = files_ending(undo_dir_, ".state");
  ASSERT_EQ(undo.size(), 1U) << r.out << r.err;
  const std::string name = undo[0].filename().string();
  EXPECT_TRUE(std::regex_match(name, std::regex("[0-9]{8}T[0-9]{6}Z-[0-9]+\\.state"))) << name;
  EXPECT_THAT(r.err, HasSubstr("undo file: " + undo[0].string() +
                               " (revert with: capstate restore -i " + undo[0].string() + ")\n"));
  struct stat st {};
  ASSERT_EQ(::stat(undo_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700U);
  // The restore brought the saved values back.
  EXPECT_EQ(word_at(read_bytes(first_), kSnoop), 0x0846);
  EXPECT_EQ(word_at(read_bytes(first_), kNoSnoop), 0x0c0f);
  // The undo file holds the values from before the restore: restoring it goes back exactly.
  const RunResult back = run({"restore", "-i", undo[0].string(), "--no-undo"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(read_bytes(first_), clobbered_);
  EXPECT_EQ(read_bytes(second_), clobbered_);
}

TEST_F(UndoFixture, UndoFileHoldsExactlyTheRestoredDevicesAndCapabilities) {
  const RunResult r = restore({"-s", "02:00.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::filesystem::path> undo = files_ending(undo_dir_, ".state");
  ASSERT_EQ(undo.size(), 1U);
  const core::StateFile saved = decode(state_);
  const core::StateFile before = decode(undo[0]);
  ASSERT_EQ(before.devices.size(), 1U);
  EXPECT_EQ(before.devices[0].address.str(), kSecond);
  ASSERT_EQ(saved.devices.size(), 2U);
  std::vector<std::string> saved_caps;
  std::vector<std::string> undo_caps;
  for (const Record& rec : saved.devices[1].records) {
    saved_caps.push_back(rec.plugin + "@" + std::to_string(rec.capability.offset));
  }
  for (const Record& rec : before.devices[0].records) {
    undo_caps.push_back(rec.plugin + "@" + std::to_string(rec.capability.offset));
  }
  EXPECT_EQ(undo_caps, saved_caps);
  // The other device was neither written nor saved.
  EXPECT_EQ(read_bytes(first_), clobbered_);
}

TEST_F(UndoFixture, JsonOutputNamesTheUndoFile) {
  const RunResult r = restore({"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::filesystem::path> undo = files_ending(undo_dir_, ".state");
  ASSERT_EQ(undo.size(), 1U);
  const nlohmann::json out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out.size(), 2U);
  for (const nlohmann::json& d : out) {
    EXPECT_EQ(d.at("undo_file"), undo[0].string()) << d.dump();
  }
}

TEST_F(UndoFixture, UnwritableUndoDirectoryRefusesWithZeroWrites) {
  write_text(tmp_.path() / "plain-file", "not a directory");
  const std::string bad = tmp_.file("plain-file") + "/undo";
  const RunResult r = run({"restore", "-i", state_, "--undo-dir", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot create the undo directory '" + bad + "'"));
  EXPECT_THAT(r.err, HasSubstr("nothing was written to any device. Fix the directory '" + bad +
                               "', choose another with --undo-dir DIR (or undo_dir in the "
                               "policy), or restore without an undo file with --no-undo"));
  EXPECT_EQ(read_bytes(first_), clobbered_);
  EXPECT_EQ(read_bytes(second_), clobbered_);
}

TEST_F(UndoFixture, UndoDirectoryThatIsNotWritableRefusesWithZeroWrites) {
  std::filesystem::create_directories(run_ / "closed");
  ::chmod((run_ / "closed").c_str(), 0500);
  const std::string closed = (run_ / "closed").string();
  const RunResult r = run({"restore", "-i", state_, "--undo-dir", closed}, {.as_nobody = true});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot write the undo file: "));
  EXPECT_THAT(r.err, HasSubstr("nothing was written to any device"));
  EXPECT_EQ(read_bytes(first_), clobbered_);
  EXPECT_TRUE(files_ending(closed, ".state").empty());
}

TEST_F(UndoFixture, NoUndoFlagAndPolicyLeaveNoUndoFile) {
  const RunResult flag = restore({"--no-undo"});
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_THAT(flag.err, Not(HasSubstr("undo file")));
  EXPECT_FALSE(std::filesystem::exists(undo_dir_));
  add_sysfs_device(sysfs_, kFirst, clobbered_, 0666);
  write_text(policy_, "lock_dir = \"" + lock_dir_ + "\"\nundo = false\nundo_dir = \"" + undo_dir_ +
                          "-policy\"\n");
  const RunResult off = run({"restore", "-i", state_});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_FALSE(std::filesystem::exists(undo_dir_ + "-policy"));
  EXPECT_EQ(word_at(read_bytes(first_), kSnoop), 0x0846);
}

TEST_F(UndoFixture, UndoDirFlagWinsOverPolicy) {
  write_text(policy_,
             "lock_dir = \"" + lock_dir_ + "\"\nundo_dir = \"" + undo_dir_ + "-policy\"\n");
  const RunResult r = restore();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_ending(undo_dir_, ".state").size(), 1U);
  EXPECT_FALSE(std::filesystem::exists(undo_dir_ + "-policy"));
  // Without the flag the policy's directory is used.
  add_sysfs_device(sysfs_, kFirst, clobbered_, 0666);
  const RunResult p = run({"restore", "-i", state_});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(files_ending(undo_dir_ + "-policy", ".state").size(), 1U);
}

TEST_F(UndoFixture, NothingToWriteNeedsNoUndoFile) {
  add_sysfs_device(sysfs_, kFirst, original_, 0666);
  add_sysfs_device(sysfs_, kSecond, original_, 0666);
  const RunResult r = restore();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("0000:01:00.0: 0 writes"));
  EXPECT_FALSE(std::filesystem::exists(undo_dir_));
}

TEST_F(UndoFixture, DumpSourcesGetNoUndoFileTheirInputStaysAsItWas) {
  const std::string dump = std::string(CAPSTATE_TEST_DATA_DIR) + "/qemu-q35-guest.xxxx.txt";
  const std::string q35_state = tmp_.file("q35.cst");
  ASSERT_EQ(run_capstate(tmp_, {"save", "--dump", dump, "-o", q35_state}).exit_code, 0);
  const std::string out = tmp_.file("restored.txt");
  const RunResult r = run_capstate(tmp_, {"restore", "-i", q35_state, "--dump", dump,
                                          "--output-dump", out, "--undo-dir", undo_dir_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_THAT(r.err, Not(HasSubstr("undo file")));
  EXPECT_FALSE(std::filesystem::exists(undo_dir_));
}

TEST_F(UndoFixture, DryRunWritesNoUndoFile) {
  const RunResult r = restore({"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(undo_dir_));
  EXPECT_EQ(read_bytes(first_), clobbered_);
}

}  // namespace
}  // namespace capstate::undotest
