// capstate live-update save / restore --stage / preflight / kexec on a fake sysfs tree built from
// the q35 dump, with the policy (live_update_devices, live_update_state, live_update_restore,
// live_update_preflight, live_update_root) from --config files. The "next release" of the
// pre-flight is a root file system made here: this build's capstate with every plugin but msix.
// The programs capstate starts (systemctl kexec, kexec -u) are scripts first on PATH that record
// their arguments; nothing here kexecs or unloads anything.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "support/lspci_oracle.hpp"

namespace capstate::clitest {
namespace {

namespace fs = std::filesystem;

class LiveUpdate : public ::testing::Test {
 protected:
  void SetUp() override {
    // <root>/bus/pci/devices/0000:BB:DD.F/config, as SysfsSource reads it.
    for (const test::DumpDevice& d : test::parse_lspci_dump(data_file("qemu-q35-guest.xxxx.txt"))) {
      const fs::path dir = root_ / "bus" / "pci" / "devices" / ("0000:" + d.address);
      fs::create_directories(dir);
      write_bytes(dir / "config", d.bytes);
    }
  }

  // Writes the policy file with `body` plus live_update_state and lock_dir in the temp dir.
  void policy(const std::string& body) {
    write_text(policy_, body + "\nlive_update_state = \"" + state_.string() + "\"\nlock_dir = \"" +
                            (tmp_.path() / "lock").string() + "\"\n");
  }

  RunResult run(const std::vector<std::string>& args) {
    std::vector<std::string> all{"--config-root", tmp_.file("no-system-policy"), "--config",
                                 policy_.string(), "live-update"};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back("--sysfs-root");
    all.push_back(root_.string());
    return run_capstate(tmp_, all);
  }

  // run() with the fake programs of fake_program() first on PATH.
  RunResult run_with_fakes(const std::vector<std::string>& args) {
    std::vector<std::string> all{"--config-root", tmp_.file("no-system-policy"), "--config",
                                 policy_.string(), "live-update"};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back("--sysfs-root");
    all.push_back(root_.string());
    const char* path = std::getenv("PATH");
    return run_capstate(
        tmp_, all, {.env = {"PATH=" + fakes_.string() + ":" + (path ? path : "/usr/bin:/bin")}});
  }

  // A program `name` first on PATH: appends its arguments as one line to `calls_` and runs `then`
  // (shell) before exiting with `rc`.
  void fake_program(const std::string& name, int rc, const std::string& then = "") {
    fs::create_directories(fakes_);
    const fs::path script = fakes_ / name;
    write_text(script, "#!/bin/sh\necho \"" + name + " $*\" >>'" + calls_.string() + "'\n" + then +
                           "\nexit " + std::to_string(rc) + "\n");
    ::chmod(script.c_str(), 0755);
  }

  // What the fake programs were called with, a line per call ("" when none was).
  std::string calls() const { return fs::exists(calls_) ? read_text(calls_) : std::string(); }

  // The fake <sysfs>/kernel/kexec_loaded.
  void kexec_loaded(const std::string& value) {
    fs::create_directories(root_ / "kernel");
    write_text(root_ / "kernel" / "kexec_loaded", value + "\n");
  }

  std::vector<std::uint8_t> config_of(const std::string& address) {
    return read_bytes(root_ / "bus" / "pci" / "devices" / address / "config");
  }

  // Overwrites `values` at `offset` of a device's fake config file.
  void poke(const std::string& address, std::size_t offset, std::vector<std::uint8_t> values) {
    std::vector<std::uint8_t> bytes = config_of(address);
    std::copy(values.begin(), values.end(), bytes.begin() + static_cast<long>(offset));
    write_bytes(root_ / "bus" / "pci" / "devices" / address / "config", bytes);
  }

  TempDir tmp_;
  fs::path root_ = tmp_.path() / "sys";
  fs::path policy_ = tmp_.path() / "policy.toml";
  fs::path state_ = tmp_.path() / "var" / "lib" / "capstate" / "live-update.state";
  fs::path fakes_ = tmp_.path() / "fake-bin";
  fs::path calls_ = tmp_.path() / "calls.txt";
};

TEST_F(LiveUpdate, SaveThenEarlyRestoreBringsRegistersBackAndRetiresTheStateFile) {
  policy("live_update_devices = [\"0000:00:01.0\"]");
  const RunResult saved = run({"save"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  // Root port 00:01.0: its header, PCI Express, MSI-X, ACS and AER.
  EXPECT_EQ(saved.out, "live-update: saved 1 devices, 5 records to " + state_.string() + "\n");
  ASSERT_TRUE(fs::is_regular_file(state_));

  // Root port 00:01.0: Device Control at 0x5c (PCIe capability at 0x54) was 0x000f; MSI-X
  // Message Control at 0x4a (capability at 0x48) was 0x8000 (enabled).
  ASSERT_EQ(config_of("0000:00:01.0")[0x5c], 0x0f);
  ASSERT_EQ(config_of("0000:00:01.0")[0x4b], 0x80);
  poke("0000:00:01.0", 0x5c, {0x00, 0x00});
  poke("0000:00:01.0", 0x4a, {0x00, 0x00});

  const RunResult late = run({"restore", "--stage", "late"});
  EXPECT_EQ(late.exit_code, 0) << late.err;
  EXPECT_EQ(late.out,
            "live-update restore: policy restores at stage 'early' (live_update_restore from "
            "built-in default), not 'late'; nothing to do\n");
  EXPECT_EQ(config_of("0000:00:01.0")[0x5c], 0x00) << "a skipped stage must not write";
  EXPECT_TRUE(fs::exists(state_));

  const RunResult early = run({"restore", "--stage", "early"});
  ASSERT_EQ(early.exit_code, 0) << early.err;
  // The two poked registers; the header already holds every saved value and is not written.
  EXPECT_EQ(early.out.rfind("live-update: restored 1 devices (2 writes) from ", 0), 0U)
      << early.out;
  EXPECT_NE(early.out.find(") from " + state_.string() + "; renamed to " + state_.string() +
                           ".restored\n"),
            std::string::npos)
      << early.out;
  EXPECT_EQ(config_of("0000:00:01.0")[0x5c], 0x0f);
  EXPECT_EQ(config_of("0000:00:01.0")[0x4b], 0x80);
  EXPECT_FALSE(fs::exists(state_));
  EXPECT_TRUE(fs::is_regular_file(state_.string() + ".restored"));

  const RunResult again = run({"restore", "--stage", "early"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out,
            "live-update restore: no state file " + state_.string() + "; nothing to restore\n");
}

TEST_F(LiveUpdate, EmptyDeviceListSavesEveryDeviceAPluginHandles) {
  policy("live_update_devices = []");
  const RunResult saved = run({"save", "--json"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  // Every device has a configuration header, which the header plugin handles: all 12 devices,
  // the host bridge, 00:1f.0 and 00:1f.3 included (with only their header). 42 records: 12
  // headers, pcie and msix on the four root ports and the four endpoints behind them, msi on the
  // NIC and the AHCI controller 00:1f.2, pm on the NIC, the NVMe and virtio-net, acs on the four
  // root ports, aer on the four root ports and the NIC.
  const auto j = nlohmann::json::parse(saved.out);
  EXPECT_EQ(j["action"], "saved");
  EXPECT_EQ(j["devices"], 12);
  EXPECT_EQ(j["records"], 42);
  EXPECT_EQ(j["file"], state_.string());
}

TEST_F(LiveUpdate, VendorDeviceSelectorAndLateStage) {
  policy("live_update_devices = [\"8086:10d3\"]\nlive_update_restore = \"late\"");
  const RunResult saved = run({"save"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_EQ(saved.out.rfind("live-update: saved 1 devices, ", 0), 0U) << saved.out;
  const RunResult early = run({"restore", "--stage", "early"});
  EXPECT_EQ(early.exit_code, 0);
  EXPECT_NE(early.out.find("policy restores at stage 'late' (live_update_restore from " +
                           policy_.string() + ":2"),
            std::string::npos)
      << early.out;
  EXPECT_TRUE(fs::exists(state_));
  const RunResult late = run({"restore", "--stage", "late"});
  EXPECT_EQ(late.exit_code, 0) << late.err;
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(LiveUpdate, RestoreOffNeverRestores) {
  policy("live_update_restore = \"off\"");
  ASSERT_EQ(run({"save"}).exit_code, 0);
  for (const char* stage : {"early", "late"}) {
    const RunResult r = run({"restore", "--stage", stage});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("policy restores at stage 'off'"), std::string::npos) << r.out;
  }
  EXPECT_TRUE(fs::exists(state_));
}

TEST_F(LiveUpdate, SelectorMatchingNothingFailsAndWritesNothing) {
  policy("live_update_devices = [\"0000:7f:*\"]");
  const RunResult r = run({"save"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.err.find("live-update save: no device in sysfs " + (root_ / "bus/pci/devices").string() +
                 " matches live_update_devices; nothing was written"),
      std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(LiveUpdate, StageMustBeEarlyOrLate) {
  policy("");
  const RunResult r = run({"restore", "--stage", "off"});
  EXPECT_EQ(r.exit_code, 2);
  const RunResult none = run({"restore"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--stage is required"), std::string::npos) << none.err;
}

// A root file system whose capstate lacks the msix plugin: usr/bin/capstate (this build's binary)
// and usr/lib/capstate/plugins, where that binary looks for its plugins.
fs::path next_release_without_msix(const TempDir& tmp) {
  const fs::path root = tmp.path() / "next-root";
  const fs::path plugins = root / "usr" / "lib" / "capstate" / "plugins";
  fs::create_directories(root / "usr" / "bin");
  fs::create_directories(plugins);
  fs::copy_file(capstate_binary(), root / "usr" / "bin" / "capstate");
  const fs::path built =
      fs::path(capstate_binary()).parent_path().parent_path() / "lib" / "capstate" / "plugins";
  for (const fs::directory_entry& e : fs::directory_iterator(built)) {
    if (e.path().filename().string().find("msix") == std::string::npos) {
      fs::copy_file(e.path(), plugins / e.path().filename());
    }
  }
  return root;
}

TEST_F(LiveUpdate, PreflightWithThisInstallationPassesAndWritesNothing) {
  policy("live_update_devices = [\"00:01.0\", \"8086:10d3\"]");
  const std::vector<std::uint8_t> before = config_of("0000:00:01.0");
  const RunResult r = run({"preflight"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("would restore all"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("records of 2 devices"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(state_));
  EXPECT_EQ(config_of("0000:00:01.0"), before);
}

TEST_F(LiveUpdate, PreflightOfAnotherRootNamesEveryRecordItsPluginsLack) {
  policy("live_update_devices = [\"00:01.0\", \"8086:10d3\"]");
  const fs::path next = next_release_without_msix(tmp_);
  const RunResult r = run({"preflight", "--root", next.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Both devices have MSI-X: two refusals, each naming the device and the missing plugin.
  for (const char* device : {"0000:00:01.0", "0000:01:00.0"}) {
    EXPECT_NE(r.out.find(std::string(device) + ": the standard capability 0x11"), std::string::npos)
        << r.out;
  }
  EXPECT_NE(r.out.find("was saved by plugin 'msix'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 times"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(LiveUpdate, SaveRefusesWhenTheNextReleaseCannotRestoreAndThePolicySaysFail) {
  const fs::path next = next_release_without_msix(tmp_);
  policy("live_update_devices = [\"00:01.0\"]\nlive_update_root = \"" + next.string() + "\"");
  const RunResult r = run({"save"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("was saved by plugin 'msix'"), std::string::npos) << r.out;
  EXPECT_NE(
      r.err.find("the restore after the kexec would refuse these devices (the pre-flight of " +
                 next.string()),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(LiveUpdate, SaveGoesOnWhenThePolicySaysWarn) {
  const fs::path next = next_release_without_msix(tmp_);
  policy("live_update_devices = [\"00:01.0\"]\nlive_update_root = \"" + next.string() +
         "\"\nlive_update_preflight = \"warn\"");
  const RunResult r = run({"save"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("saving anyway (live_update_preflight = \"warn\""), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(state_));
}

TEST_F(LiveUpdate, KexecRunsSystemctlKexecWhenThePreflightPasses) {
  policy("live_update_devices = [\"00:01.0\", \"8086:10d3\"]");
  fake_program("systemctl", 0);
  kexec_loaded("1");
  const RunResult r = run_with_fakes({"kexec"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(calls(), "systemctl kexec\n");
  EXPECT_NE(r.out.find("the pre-flight passed for 2 devices"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("no kexec kernel is loaded"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(state_));  // the save is capstate-save.service's, during the kexec
}

TEST_F(LiveUpdate, KexecPassesOnSystemctlsExitCodeAndWarnsWithoutAKexecKernel) {
  policy("live_update_devices = [\"00:01.0\"]");
  fake_program("systemctl", 1);
  kexec_loaded("0");
  const RunResult r = run_with_fakes({"kexec"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(calls(), "systemctl kexec\n");
  EXPECT_NE(r.err.find("no kexec kernel is loaded"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kexec -l KERNEL"), std::string::npos) << r.err;
}

TEST_F(LiveUpdate, KexecSaysSoWhenSystemctlCannotRun) {
  policy("live_update_devices = [\"00:01.0\"]");
  fs::create_directories(fakes_);
  std::vector<std::string> all{"--config-root", tmp_.file("no-system-policy"),
                               "--config",      policy_.string(),
                               "live-update",   "kexec",
                               "--sysfs-root",  root_.string()};
  const RunResult r = run_capstate(tmp_, all, {.env = {"PATH=" + fakes_.string()}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot run systemctl kexec: No such file or directory; start the kexec "
                       "yourself (the pre-flight passed)"),
            std::string::npos)
      << r.err;
}

TEST_F(LiveUpdate, KexecRefusesAndStartsNothingWhenThePolicySaysFail) {
  const fs::path next = next_release_without_msix(tmp_);
  policy("live_update_devices = [\"00:01.0\"]\nlive_update_root = \"" + next.string() + "\"");
  fake_program("systemctl", 0);
  const RunResult r = run_with_fakes({"kexec"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(calls(), "");
  EXPECT_NE(r.out.find("was saved by plugin 'msix'"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("the kexec was not started and the machine stays up"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(the pre-flight of " + next.string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(LiveUpdate, KexecGoesOnWhenThePolicySaysWarnAndRootOverridesThePolicy) {
  const fs::path next = next_release_without_msix(tmp_);
  policy("live_update_devices = [\"00:01.0\"]\nlive_update_preflight = \"warn\"");
  fake_program("systemctl", 0);
  const RunResult r = run_with_fakes({"kexec", "--root", next.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(calls(), "systemctl kexec\n");
  EXPECT_NE(r.err.find("going on (live_update_preflight = \"warn\""), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("refused (warn) for 1 devices"), std::string::npos) << r.out;
}

TEST_F(LiveUpdate, SaveDuringAKexecUnloadsTheKexecKernelWhenItRefusesUnderFail) {
  const fs::path next = next_release_without_msix(tmp_);
  policy("live_update_devices = [\"00:01.0\"]\nlive_update_root = \"" + next.string() + "\"");
  kexec_loaded("1");
  fake_program("kexec", 0, "echo 0 >'" + (root_ / "kernel" / "kexec_loaded").string() + "'");
  const RunResult r = run_with_fakes({"save", "--kexec-underway"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(calls(), "kexec -u\n");
  EXPECT_NE(r.err.find("unloaded the kexec kernel (kexec -u)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("reboots through the firmware"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(LiveUpdate, SaveDuringAKexecSaysSoWhenTheKexecKernelStaysLoaded) {
  const fs::path next = next_release_without_msix(tmp_);
  policy("live_update_devices = [\"00:01.0\"]\nlive_update_root = \"" + next.string() + "\"");
  kexec_loaded("1");
  fake_program("kexec", 0);  // "succeeds" but unloads nothing
  const RunResult r = run_with_fakes({"save", "--kexec-underway"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(calls(), "kexec -u\n");
  EXPECT_NE(r.err.find("could not unload the kexec kernel"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kexec_loaded still reads 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the kexec goes on and the next boot restores nothing"), std::string::npos)
      << r.err;
}

TEST_F(LiveUpdate, SaveDuringAKexecLeavesTheKexecKernelWhenItSavesOrThePolicySaysWarn) {
  fake_program("kexec", 0);
  kexec_loaded("1");
  policy("live_update_devices = [\"00:01.0\"]");
  const RunResult saved = run_with_fakes({"save", "--kexec-underway"});
  EXPECT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_TRUE(fs::exists(state_));
  fs::remove(state_);
  policy("live_update_devices = [\"ff:1f.7\"]\nlive_update_preflight = \"warn\"");
  const RunResult failed = run_with_fakes({"save", "--kexec-underway"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;  // matches no device
  EXPECT_EQ(calls(), "");
  EXPECT_FALSE(fs::exists(state_));
}

}  // namespace
}  // namespace capstate::clitest
