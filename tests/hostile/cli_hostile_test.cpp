// The real capstate binary on hostile input: a broken state file or dump, a FIFO, an oversized
// file, and misbehaving plugins under each plugin_failure mode. "Nothing written" is checked on
// the --output-dump file: it must not be created when the command refuses.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_runner.hpp"
#include "hostile_support.hpp"

namespace capstate::hostile {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
namespace ct = capstate::clitest;

const std::vector<std::string> kSlots = {"-s", "00:01.0", "-s", "01:00.0", "-s", "02:00.0"};

/// Runs capstate with a 30 s timeout (a blocked command exits 124 instead of hanging the test).
ct::RunResult run(const ct::TempDir& tmp, const std::vector<std::string>& args) {
  return ct::run_capstate(tmp, args, {.timeout = std::chrono::seconds(30)});
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// A policy file with `plugin_failure = mode` and no undo files.
std::string policy_file(const ct::TempDir& tmp, const std::string& mode) {
  const std::string path = tmp.file("policy-" + mode + ".toml");
  ct::write_text(path, "undo = false\nplugin_failure = \"" + mode + "\"\n");
  return path;
}

/// Saves kSlots of the q35 dump to `out` with the in-tree plugins plus hostile plugin `dir`.
ct::RunResult save(const ct::TempDir& tmp, const std::string& dir, const std::string& mode,
                   const std::string& out) {
  return run(tmp, concat({"--plugin-dir", hostile_plugin_dir(dir).string(), "--config",
                          policy_file(tmp, mode), "save", "--dump", q35_dump().string(), "-o", out},
                         kSlots));
}

/// Restores `state` into a copy of the q35 dump written to `out`.
ct::RunResult restore(const ct::TempDir& tmp, const std::string& dir, const std::string& mode,
                      const std::string& state, const std::string& out) {
  return run(tmp,
             {"--plugin-dir", hostile_plugin_dir(dir).string(), "--config", policy_file(tmp, mode),
              "restore", "-i", state, "--dump", q35_dump().string(), "--output-dump", out});
}

class HostileCli : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = tmp_.file("good.cst");
    const ct::RunResult r = save(tmp_, "tame", "abort", state_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  bool exists(const std::string& name) const {
    return ::access(tmp_.file(name).c_str(), F_OK) == 0;
  }

  ct::TempDir tmp_;
  std::string state_;
};

TEST_F(HostileCli, BrokenStateFilesWriteNoOutputDump) {
  const std::vector<std::uint8_t> good = ct::read_bytes(state_);
  std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<long>(good.size() / 2));
  ct::write_bytes(tmp_.file("cut.cst"), cut);
  ct::RunResult r = restore(tmp_, "tame", "device", tmp_.file("cut.cst"), tmp_.file("out1.txt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("cut.cst"), HasSubstr("the file is truncated or corrupt")));
  EXPECT_FALSE(exists("out1.txt"));

  std::vector<std::uint8_t> flipped = good;
  flipped[flipped.size() - 10] ^= 0x40;
  ct::write_bytes(tmp_.file("flip.cst"), flipped);
  r = restore(tmp_, "tame", "device", tmp_.file("flip.cst"), tmp_.file("out2.txt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("record checksum mismatch"));
  EXPECT_FALSE(exists("out2.txt"));
}

TEST_F(HostileCli, HostileDumpsWriteNoOutputDump) {
  const std::string q35 = ct::read_text(q35_dump());
  const std::string head = "00:01.0 PCI bridge: test\n";
  std::string row = "00:";
  for (int i = 0; i < 16; ++i) {
    row += " 00";
  }
  struct Case {
    std::string name;
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"odd", head + "00: 3 6b 0c 00 07 05 10 00 00 00 04 06 00 00 81 00\n",
       "\"3\" is not a byte (expected two hex digits)"},
      {"short", head + "00: 36 1b 0c 00\n", "4 bytes on a data line (expected 16)"},
      {"dup", head + row + "\n" + row + "\n",
       "offset 0x0 is out of order (expected 0x10); rows must run 00, 10, 20"},
      {"nul", head + std::string("00: 36\0 1b", 10) + "\n", "binary data (byte 0x00 at column 7)"},
      {"garbage",
       std::string("\x7f"
                   "ELF\x02\x01\x01\0\0\0",
                   10),
       "binary data (byte 0x7f"},
  };
  for (const Case& c : cases) {
    ct::write_text(tmp_.file(c.name + ".txt"), c.text);
    const ct::RunResult r =
        run(tmp_, {"--config", policy_file(tmp_, "device"), "restore", "-i", state_, "--dump",
                   tmp_.file(c.name + ".txt"), "--output-dump", tmp_.file(c.name + ".out")});
    EXPECT_EQ(r.exit_code, 1) << c.name;
    EXPECT_THAT(r.err, AllOf(HasSubstr(c.name + ".txt:"), HasSubstr(c.error))) << c.name;
    EXPECT_FALSE(exists(c.name + ".out")) << c.name;
  }
  // More than 4096 bytes for one device.
  std::string big = head;
  for (unsigned off = 0; off < 4112; off += 16) {
    char label[16];
    std::snprintf(label, sizeof label, "%02x:", off);
    big += label + row.substr(3) + "\n";
  }
  ct::write_text(tmp_.file("big.txt"), big);
  const ct::RunResult r = run(tmp_, {"restore", "-i", state_, "--dump", tmp_.file("big.txt"),
                                     "--output-dump", tmp_.file("big.out")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("more than 4096 bytes for device 0000:00:01.0"));
  EXPECT_FALSE(exists("big.out"));
}

TEST_F(HostileCli, FifoAndOversizedInputsDoNotBlockOrLoad) {
  ASSERT_EQ(::mkfifo(tmp_.file("pipe").c_str(), 0600), 0);
  ct::RunResult r = run(tmp_, {"restore", "-i", tmp_.file("pipe"), "--dump", q35_dump().string(),
                               "--output-dump", tmp_.file("fifo.out")});
  EXPECT_EQ(r.exit_code, 1);  // 124 would mean it blocked until the timeout
  EXPECT_THAT(r.err, HasSubstr("it is a named pipe (FIFO), not a regular file"));
  r = run(tmp_, {"list", "--dump", tmp_.file("pipe")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("it is a named pipe (FIFO)"));
  r = run(tmp_, {"--config", tmp_.file("pipe"), "list", "--dump", q35_dump().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("it is a named pipe (FIFO)"));

  const int fd = ::open(tmp_.file("huge").c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t{1} << 30), 0);
  ::close(fd);
  r = run(tmp_, {"restore", "-i", tmp_.file("huge"), "--dump", q35_dump().string(), "--output-dump",
                 tmp_.file("huge.out")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the file is 1073741824 bytes, larger than the limit"));
  EXPECT_FALSE(exists("huge.out"));
  r = run(tmp_, {"list", "--dump", tmp_.file("huge")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the file is 1073741824 bytes, larger than the limit"));
}

TEST_F(HostileCli, SaveAbortWritesNoStateFile) {
  const ct::RunResult r = save(tmp_, "throw-save", "abort", tmp_.file("abort.cst"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("plugin 'throw-save' failed while saving standard capability "
                               "0x01 at 0x0c8 on 0000:01:00.0: hostile save_extra exploded"));
  EXPECT_FALSE(exists("abort.cst"));
}

TEST_F(HostileCli, SaveDeviceModeWritesTheOtherDevicesAndExitsOne) {
  const ct::RunResult r = save(tmp_, "throw-save", "device", tmp_.file("device.cst"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("0000:01:00.0: device left out of the state file (a plugin failed; "
                               "policy plugin_failure = \"device\"): plugin 'throw-save' failed"));
  ASSERT_TRUE(exists("device.cst"));
  // The file's other records belong to the hostile plugin, which inspect does not load: shown
  // raw, and the command exits 1 for them.
  const ct::RunResult inspect = run(tmp_, {"inspect", tmp_.file("device.cst")});
  EXPECT_EQ(inspect.exit_code, 1) << inspect.err;
  EXPECT_THAT(inspect.err, HasSubstr("could not be decoded"));
  EXPECT_THAT(inspect.out, AllOf(HasSubstr("0000:00:01.0"), HasSubstr("0000:02:00.0"),
                                 Not(HasSubstr("0000:01:00.0"))));
}

TEST_F(HostileCli, SaveCapabilityModeLeavesOutOnlyTheCapability) {
  const ct::RunResult r = save(tmp_, "stray-extra", "capability", tmp_.file("cap.cst"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("0000:01:00.0: standard capability 0x01 at 0x0c8 left out (plugin "
                               "'stray-extra' failed; policy plugin_failure = \"capability\")"));
  ASSERT_TRUE(exists("cap.cst"));
  const ct::RunResult inspect = run(tmp_, {"inspect", tmp_.file("cap.cst")});
  EXPECT_THAT(inspect.out, HasSubstr("0000:01:00.0"));
}

TEST_F(HostileCli, RestoreAbortWritesNothing) {
  const ct::RunResult r = restore(tmp_, "throw-restore", "abort", state_, tmp_.file("a.txt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("plugin 'hostile' failed while planning the restore on "
                               "0000:01:00.0: hostile restore_sequence exploded"));
  EXPECT_FALSE(exists("a.txt"));
}

TEST_F(HostileCli, RestoreDeviceModeRestoresTheOthersAndExitsOne) {
  const ct::RunResult r = restore(tmp_, "wide-value", "device", state_, tmp_.file("d.txt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("0000:01:00.0: device left out of the restore, nothing is written "
                               "to it (plugin 'hostile' failed; policy plugin_failure = "
                               "\"device\"): plugin 'hostile' failed while planning the restore "
                               "on 0000:01:00.0: write 'ctrl' has value 0x1ffff"));
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("0000:02:00.0: 1 writes"), HasSubstr("0000:01:00.0: left out")));
  EXPECT_TRUE(exists("d.txt"));
}

TEST_F(HostileCli, RestoreCapabilityModeExitsOneAndNamesIt) {
  const ct::RunResult r = restore(tmp_, "far-offset", "capability", state_, tmp_.file("c.txt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("0000:01:00.0: standard capability 0x01 at 0x0c8 left out (plugin "
                               "'hostile' failed; policy plugin_failure = \"capability\")"));
  EXPECT_THAT(r.out, HasSubstr("0000:02:00.0: 1 writes"));
  EXPECT_TRUE(exists("c.txt"));
}

}  // namespace
}  // namespace capstate::hostile
