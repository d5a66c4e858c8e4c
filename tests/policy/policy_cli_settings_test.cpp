// The real binary consults each per-device setting: unhandled_capability, skip_capabilities,
// identity, identity_subsystem, verify, newer_record, lossy_downgrade, log_level; flags still win
// and a bad policy file fails before any device is touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "policy_files.hpp"
#include "statefile/codec.hpp"

namespace capstate::policytest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

class PolicySettings : public ::testing::Test {
 protected:
  void SetUp() override {
    const RunResult r = run({"save", "--dump", q35(), "-o", state_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // capstate with an empty config root (so only --config files count), plus `args`.
  RunResult run(std::vector<std::string> args, const std::string& policy_text = "") {
    std::vector<std::string> full{"--config-root", root_.path().string()};
    if (!policy_text.empty()) {
      clitest::write_text(policy_, policy_text);
      full.insert(full.end(), {"--config", policy_});
    }
    full.insert(full.end(), args.begin(), args.end());
    return clitest::run_capstate(tmp_, full);
  }

  // The q35 dump with `values` at `offset` of device `address` (lspci form).
  std::string patched(const char* address, unsigned offset, std::vector<std::uint8_t> values) {
    const std::string file = tmp_.file("patched.txt");
    clitest::write_text(file,
                        clitest::patch_dump(clitest::read_text(q35()), address, offset, values));
    return file;
  }

  std::string inspect(const std::string& file) {
    const RunResult r = run({"inspect", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir tmp_;
  TempDir root_;
  std::string policy_ = tmp_.file("policy.toml");
  std::string state_ = tmp_.file("q35.cst");
  std::string out_ = tmp_.file("out.txt");
};

TEST_F(PolicySettings, UnhandledCapabilityFailNamesTheCapability) {
  const std::string file = tmp_.file("fail.cst");
  const RunResult r =
      run({"save", "--dump", q35(), "-o", file}, "unhandled_capability = \"fail\"\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no plugin handles"));
  EXPECT_THAT(r.err, HasSubstr("install a plugin for it"));
  EXPECT_FALSE(std::filesystem::exists(file));
  // Per device: only the devices the rule matches fail.
  const std::string rule =
      "[[device]]\nmatch = \"0000:00:01.0\"\nunhandled_capability = \"fail\"\n";
  const RunResult one = run({"save", "--dump", q35(), "-o", file, "-s", "00:01.0"}, rule);
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_THAT(one.err,
              HasSubstr("0000:00:01.0: no plugin handles standard capability 0x0d at 0x040; "
                        "install a plugin for it"));
  const RunResult other = run({"save", "--dump", q35(), "-o", file, "-s", "00:02.0"}, rule);
  EXPECT_EQ(other.exit_code, 0) << other.err;
}

TEST_F(PolicySettings, SkipCapabilitiesLeavesThemOutTopLevelAndPerDevice) {
  const std::size_t all = count_of(inspect(state_), "plugin = \"msix\"");
  ASSERT_GE(all, 2U);
  const std::string none = tmp_.file("none.cst");
  ASSERT_EQ(run({"save", "--dump", q35(), "-o", none}, "skip_capabilities = [\"standard:0x11\"]\n")
                .exit_code,
            0);
  EXPECT_EQ(count_of(inspect(none), "plugin = \"msix\""), 0U);
  EXPECT_GT(count_of(inspect(none), "plugin = \"pcie\""), 0U);
  const std::string one = tmp_.file("one.cst");
  ASSERT_EQ(run({"save", "--dump", q35(), "-o", one},
                "[[device]]\nmatch = \"0000:00:01.0\"\nskip_capabilities = [\"standard:0x11\"]\n")
                .exit_code,
            0);
  EXPECT_EQ(count_of(inspect(one), "plugin = \"msix\""), all - 1);
}

TEST_F(PolicySettings, IdentityIdsLetsARevisionMismatchRestore) {
  const std::string dump = patched("00:01.0", 0x08, {0x07});
  const std::vector<std::string> args{"restore", "-i",      state_,          "--dump", dump,
                                      "-s",      "00:01.0", "--output-dump", out_};
  const RunResult refused = run(args);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("the saved state belongs to another device"));
  const RunResult ok = run(args, "identity = \"ids\"\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(out_));
  // Per device, and the --identity flag still wins over the policy.
  EXPECT_EQ(run(args, "[[device]]\nmatch = \"1b36:000c\"\nidentity = \"none\"\n").exit_code, 0);
  std::vector<std::string> strict = args;
  strict.insert(strict.end(), {"--identity", "exact"});
  EXPECT_EQ(run(strict, "identity = \"ids\"\n").exit_code, 1);
}

TEST_F(PolicySettings, DiffComparesAnyDeviceUnlessAPolicyFileSetsIdentity) {
  const std::string dump = patched("00:01.0", 0x08, {0x07});
  const std::vector<std::string> args{"diff", state_, "--dump", dump, "-s", "00:01.0"};
  EXPECT_EQ(run(args).exit_code, 0);
  const RunResult strict = run(args, "identity = \"exact\"\n");
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_THAT(strict.err, HasSubstr("the saved state belongs to another device"));
}

TEST_F(PolicySettings, IdentitySubsystemRefusesAnotherSubsystem) {
  const std::string dump = patched("02:00.0", 0x2c, {0x86, 0x80});
  const std::vector<std::string> args{"restore", "-i",      state_,          "--dump", dump,
                                      "-s",      "02:00.0", "--output-dump", out_};
  EXPECT_EQ(run(args).exit_code, 0);
  const RunResult r = run(args, "identity_subsystem = true\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("subsystem 8086:1100"));
}

TEST_F(PolicySettings, VerifyFalseSkipsTheReadBack) {
  const std::vector<std::string> args{"restore", "-i",      state_,          "--dump", q35(),
                                      "-s",      "00:01.0", "--output-dump", out_};
  const RunResult on = run(args);
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_THAT(on.out, HasSubstr("0000:00:01.0: 0 writes; verify OK"));
  const RunResult off = run(args, "verify = false\n");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.out, "0000:00:01.0: 0 writes; verify skipped\n");
  const RunResult other = run(args, "[[device]]\nmatch = \"0000:02:*\"\nverify = false\n");
  EXPECT_THAT(other.out, HasSubstr("verify OK"));
}

TEST_F(PolicySettings, NewerRecordSkipLeavesTheRecordOut) {
  core::StateFile file = core::decode_state(clitest::read_bytes(state_), state_);
  bool bumped = false;
  for (core::DeviceSection& d : file.devices) {
    for (Record& r : d.records) {
      if (d.address.str() == "0000:00:01.0" && r.plugin == "msix") {
        r.schema_version = 3;
        bumped = true;
      }
    }
  }
  ASSERT_TRUE(bumped);
  const std::string newer = tmp_.file("newer.cst");
  clitest::write_bytes(newer, core::encode_state(file));
  const std::vector<std::string> args{"restore", "-i",      newer,           "--dump", q35(),
                                      "-s",      "00:01.0", "--output-dump", out_};
  const RunResult refused = run(args);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("has schema 3"));
  EXPECT_FALSE(std::filesystem::exists(out_));
  const RunResult ok = run(args, "newer_record = \"skip\"\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.err, HasSubstr("0000:00:01.0: record of plugin 'msix' left out: its schema 3 is "
                                "newer than the plugin's current schema 2 (policy newer_record = "
                                "\"skip\")"));
  EXPECT_TRUE(std::filesystem::exists(out_));
}

TEST_F(PolicySettings, LossyDowngradeAllowMigratesWithoutTheFlag) {
  const std::string v1 = tmp_.file("v1.cst");
  const std::vector<std::string> args{"migrate", state_, "--to", "pcie=1,ltr=1,msix=1", "-o", v1};
  const RunResult refused = run(args);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("allow it with --allow-lossy"));
  const RunResult ok = run(args, "lossy_downgrade = \"allow\"\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("lossy steps)"));
  EXPECT_THAT(inspect(v1), Not(HasSubstr("schema_version = 2")));
}

TEST_F(PolicySettings, LogLevelSetsMessagesAndMinusQWins) {
  const std::string file = tmp_.file("l.cst");
  const std::vector<std::string> args{"save", "--dump", q35(), "-o", file};
  EXPECT_THAT(run(args).err, Not(HasSubstr("skipped (no plugin)")));
  EXPECT_THAT(run(args, "log_level = \"info\"\n").err, HasSubstr("info: skipped (no plugin)"));
  std::vector<std::string> quiet = args;
  quiet.push_back("-q");
  EXPECT_THAT(run(quiet, "log_level = \"info\"\n").err, Not(HasSubstr("skipped (no plugin)")));
  // "off" silences even errors; the exit code still tells.
  const RunResult off = run({"inspect", tmp_.file("missing.cst")}, "log_level = \"off\"\n");
  EXPECT_EQ(off.exit_code, 1);
  EXPECT_EQ(off.err, "");
}

TEST_F(PolicySettings, BadFileFailsBeforeAnyDeviceIsTouched) {
  const RunResult r = run({"restore", "-i", state_, "--dump", q35(), "--output-dump", out_},
                          "verify = false\nidentity = \"loose\"\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(policy_ + ":2:12: key 'identity' is \"loose\"; expected one of "
                                         "\"exact\", \"ids\", \"none\""));
  EXPECT_FALSE(std::filesystem::exists(out_));
  EXPECT_EQ(r.out, "");
  // Even a source that does not exist is never opened.
  const RunResult s = run({"save", "--sysfs-root", tmp_.file("no-sysfs"), "-o", out_},
                          "[[device]]\nmatch = \"8086:10d3\"\nverify = 1\n");
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_THAT(s.err, HasSubstr(policy_ + ":3:10: key 'verify' must be a boolean"));
  EXPECT_THAT(s.err, Not(HasSubstr("no-sysfs")));
}

}  // namespace
}  // namespace capstate::policytest
