// Tests 5 and 7: damaged state files are refused (every truncation, every single-bit flip),
// and restores that must not happen are refused through the CLI with nothing written.
#include <gtest/gtest.h>

#include <filesystem>
#include <span>

#include "cli_runner.hpp"
#include "statefile/codec.hpp"

namespace capstate::clitest {
namespace {

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

std::string hex(std::size_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%zx", value);
  return buf;
}

// A state file saved from the whole q35 dump, and its bytes.
class SavedQ35 : public ::testing::Test {
 protected:
  void SetUp() override {
    const RunResult r = run_capstate(tmp_, {"save", "--dump", q35(), "-o", state_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    bytes_ = read_bytes(state_);
    ASSERT_GT(bytes_.size(), 0x100U);
  }

  // Decoding `bytes` must fail with a StateFileError naming the file and a byte offset.
  static void expect_refused(std::span<const std::uint8_t> bytes, const std::string& what) {
    try {
      (void)core::decode_state(bytes, "q35.cst");
      ADD_FAILURE() << what << ": decoded without error";
    } catch (const core::StateFileError& e) {
      ASSERT_TRUE(e.where().byte_offset.has_value()) << what << ": " << e.what();
      EXPECT_EQ(e.where().file, "q35.cst");
      const std::string prefix = "q35.cst: byte " + hex(*e.where().byte_offset);
      EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0U) << what << ": " << e.what();
    }
  }

  TempDir tmp_;
  std::string state_ = tmp_.file("q35.cst");
  std::vector<std::uint8_t> bytes_;
};

TEST_F(SavedQ35, IntactFileDecodes) {
  const core::StateFile file = core::decode_state(bytes_, "q35.cst");
  EXPECT_EQ(file.devices.size(), 12U);
}

TEST_F(SavedQ35, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < bytes_.size(); ++n) {
    expect_refused(std::span<const std::uint8_t>(bytes_.data(), n),
                   "truncated to " + std::to_string(n) + " bytes");
    if (HasFailure()) {
      return;  // one message is enough
    }
  }
}

TEST_F(SavedQ35, TruncationBeyondTheHeaderNamesTheLengthField) {
  const std::size_t n = bytes_.size() / 2;
  try {
    (void)core::decode_state(std::span<const std::uint8_t>(bytes_.data(), n), "q35.cst");
    FAIL() << "decoded a truncated file";
  } catch (const core::StateFileError& e) {
    EXPECT_EQ(e.where().byte_offset, core::format::kFileLengthOffset);
    EXPECT_NE(
        std::string(e.what()).find("the header says the file is " + std::to_string(bytes_.size()) +
                                   " bytes but only " + std::to_string(n) + " are there"),
        std::string::npos)
        << e.what();
  }
}

TEST_F(SavedQ35, EverySingleBitFlipIsRefused) {
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    for (const std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      std::vector<std::uint8_t> damaged = bytes_;
      damaged[i] ^= bit;
      expect_refused(damaged, "byte " + hex(i) + " xor " + hex(bit));
      if (HasFailure()) {
        return;
      }
    }
  }
}

TEST_F(SavedQ35, InspectAndRestoreRefuseDamagedFilesNamingFileAndOffset) {
  const std::size_t size = bytes_.size();
  struct Damage {
    std::string name;
    std::vector<std::uint8_t> bytes;
    std::string message;  // after "<file>: byte "
  };
  std::vector<Damage> cases;
  cases.push_back({"half.cst",
                   {bytes_.begin(), bytes_.begin() + static_cast<long>(size / 2)},
                   "0xe: the header says the file is " + std::to_string(size) + " bytes but only " +
                       std::to_string(size / 2) + " are there"});
  cases.push_back({"short-by-one.cst", {bytes_.begin(), bytes_.end() - 1}, "0xe: "});
  std::vector<std::uint8_t> magic = bytes_;
  magic[0] ^= 0x80;
  cases.push_back({"magic.cst", magic, "0x0: "});
  std::vector<std::uint8_t> late = bytes_;
  late[size - 1] ^= 0x01;
  cases.push_back({"last-byte.cst", late, ""});
  std::vector<std::uint8_t> middle = bytes_;
  middle[size / 2] ^= 0x80;
  cases.push_back({"middle.cst", middle, ""});
  for (const Damage& d : cases) {
    SCOPED_TRACE(d.name);
    const std::string file = tmp_.file(d.name);
    write_bytes(file, d.bytes);
    const std::string expected = "capstate: error: " + file + ": byte " + d.message;
    const RunResult inspect = run_capstate(tmp_, {"inspect", file});
    EXPECT_EQ(inspect.exit_code, 1);
    EXPECT_EQ(inspect.out, "");
    EXPECT_NE(inspect.err.find(expected), std::string::npos) << inspect.err;
    const std::string out = tmp_.file(d.name + ".out.txt");
    const RunResult restore =
        run_capstate(tmp_, {"restore", "-i", file, "--dump", q35(), "--output-dump", out});
    EXPECT_EQ(restore.exit_code, 1);
    EXPECT_NE(restore.err.find(expected), std::string::npos) << restore.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

TEST_F(SavedQ35, EmptyFileIsRefusedAsNotWrittenCompletely) {
  const std::string file = tmp_.file("empty.cst");
  write_bytes(file, {});
  const std::string expected = "capstate: error: cannot read '" + file +
                               "': the file is empty; it was probably not written completely\n";
  const RunResult inspect = run_capstate(tmp_, {"inspect", file});
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_EQ(inspect.err, expected);
  const RunResult restore = run_capstate(tmp_, {"restore", "-i", file, "--dump", q35()});
  EXPECT_EQ(restore.exit_code, 1);
  EXPECT_EQ(restore.err, expected);
}

TEST_F(SavedQ35, TamperedFileIsRefusedBeforeAnyDeviceIsOpened) {
  std::vector<std::uint8_t> tampered = bytes_;
  tampered[bytes_.size() / 2] ^= 0x10;
  const std::string file = tmp_.file("tampered.cst");
  write_bytes(file, tampered);
  // The device source does not exist: had restore opened it, that would be the error.
  const std::string out = tmp_.file("out.txt");
  const RunResult r = run_capstate(
      tmp_, {"restore", "-i", file, "--dump", tmp_.file("no-such-dump.txt"), "--output-dump", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("capstate: error: " + file + ": byte 0x"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("no-such-dump"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Saves the NIC alone, then moves its section to the NVMe's address through inspect/assemble.
TEST(RestoreRefusals, NicStateOntoTheNvmeIsRefusedNamingBothIdentities) {
  TempDir tmp;
  const std::string nic = tmp.file("nic.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-s", "01:00.0", "-o", nic}).exit_code, 0);
  const RunResult toml = run_capstate(tmp, {"inspect", nic});
  ASSERT_EQ(toml.exit_code, 0) << toml.err;
  std::string text = toml.out;
  const std::size_t at = text.find("address = \"0000:01:00.0\"");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 24, "address = \"0000:02:00.0\"");
  write_text(tmp.file("moved.toml"), text);
  const std::string moved = tmp.file("moved.cst");
  ASSERT_EQ(run_capstate(tmp, {"assemble", tmp.file("moved.toml"), "-o", moved}).exit_code, 0);

  const std::string out = tmp.file("out.txt");
  for (const char* identity : {"exact", "ids"}) {
    SCOPED_TRACE(identity);
    const RunResult r = run_capstate(tmp, {"restore", "-i", moved, "--dump", q35(), "--identity",
                                           identity, "--output-dump", out});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("0000:02:00.0: the saved state belongs to another device: saved "
                         "8086:10d3 class 020000 rev 00 subsystem 8086:0000, found 1b36:0010 "
                         "class 010802 rev 02 subsystem 1af4:1100; nothing was written"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  // Even with identity checks off, the NIC's capabilities are not where the NVMe has them.
  const RunResult none = run_capstate(
      tmp, {"restore", "-i", moved, "--dump", q35(), "--identity", "none", "--output-dump", out});
  EXPECT_EQ(none.exit_code, 1);
  // The NIC's first record after its header (every device has one) is its Power Management
  // capability at 0x0c8; the NVMe has Power Management, but at 0x060.
  EXPECT_NE(none.err.find("0000:02:00.0: the saved standard capability 0x01 at 0x0c8 (plugin "
                          "'pm') is not on the device (it has: standard capability 0x11 at 0x040, "
                          "standard capability 0x10 at 0x080, standard capability 0x01 at 0x060)"),
            std::string::npos)
      << none.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(RestoreRefusals, RecordOfAPluginThatDoesNotExistIsRefused) {
  TempDir tmp;
  // A raw record (payload instead of fields) assembles without the plugin being loaded.
  write_text(tmp.file("ghost.toml"), R"([envelope]
envelope_version = 1
producer = "capstate"
producer_version = "0.1.0"
created_unix = 0
kernel_release = "test"

[[devices]]
address = "0000:01:00.0"
vendor_id = 0x8086
device_id = 0x10d3
subsystem_vendor_id = 0x8086
subsystem_id = 0x0000
class = 0x020000
revision = 0x00
header_type = 0x00

[[devices.records]]
kind = "standard"
id = 0x10
offset = 0x0e0
capability_version = 0
plugin = "ghost"
schema_version = 1
fingerprint = "0x0123456789abcdef"
payload = "0000"
)");
  const std::string ghost = tmp.file("ghost.cst");
  const RunResult a = run_capstate(tmp, {"assemble", tmp.file("ghost.toml"), "-o", ghost});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  // Shown whole, raw where it cannot be decoded; the undecodable record fails the command.
  const RunResult shown = run_capstate(tmp, {"inspect", ghost});
  EXPECT_EQ(shown.exit_code, 1) << shown.err;
  EXPECT_NE(shown.err.find("capstate inspect: 1 record could not be decoded (first: 0000:01:00.0 "
                           "plugin 'ghost': no plugin named 'ghost' is loaded)"),
            std::string::npos)
      << shown.err;
  EXPECT_NE(shown.out.find("decode_error = \"no plugin named 'ghost' is loaded\"\npayload = "
                           "\"0000\"\n"),
            std::string::npos)
      << shown.out;
  const std::string out = tmp.file("out.txt");
  const std::string expected =
      "0000:01:00.0: the standard capability 0x10 at 0x0e0 was saved by plugin 'ghost', which is "
      "not loaded; nothing was written";
  for (const bool dry : {true, false}) {
    std::vector<std::string> args{"restore", "-i", ghost, "--dump", q35(), "--output-dump", out};
    if (dry) {
      args.emplace_back("--dry-run");
    }
    const RunResult r =
        run_capstate(tmp, args, {.env = {"CAPSTATE_PLUGIN_PATH=" + tmp.path().string()}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

}  // namespace
}  // namespace capstate::clitest
