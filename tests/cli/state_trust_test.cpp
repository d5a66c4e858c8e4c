// State-file trust and private directories: a restore onto sysfs refuses a state file that is
// writable by group or others or owned by another user (naming the file, owner and mode, with
// zero writes) unless --allow-untrusted-state is given; dumps and images are not checked; the
// directories capstate creates for state, undo and lock files are mode 0700.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "backends/dump_source.hpp"
#include "backends/sysfs_source.hpp"
#include "cli_runner.hpp"
#include "policy/policy.hpp"
#include "restore/restore_session.hpp"
#include "statefile/codec.hpp"
#include "util/file_trust.hpp"
#include "util/private_dir.hpp"

namespace capstate::clitest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kDevice = "0000:01:00.0";
constexpr std::size_t kSnoop = 0x14c;  // LTR max snoop latency of the test endpoint

std::vector<std::uint8_t> endpoint_config() {
  core::DumpSource dump(data_file("ltr/ltr-endpoint.xxxx.txt"));
  const auto bytes = dump.bytes(*core::PciAddress::parse(kDevice));
  return {bytes.begin(), bytes.end()};
}

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Sets the process umask for the lifetime of the object (children inherit it).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

// A fake sysfs tree with the LTR test endpoint, a state file saved from it (mode 0644), then the
// endpoint's LTR latencies cleared so a restore has writes to do. Undo files and locks go into
// the test's temp dir; only the plugins of the endpoint's capabilities are used.
class StateTrust : public ::testing::Test {
 protected:
  void SetUp() override {
    original_ = endpoint_config();
    ASSERT_EQ(original_.size(), 4096U);
    clobbered_ = original_;
    for (std::size_t i = 0; i < 4; ++i) {
      clobbered_.at(kSnoop + i) = 0;
    }
    fs::create_directories(config_.parent_path());
    fs::create_directories(root_);
    write_text(policy_, "lock_dir = \"" + lock_dir_.string() +
                            "\"\ndisabled_plugins = [\"header\", \"pm\", \"msi\"]\n");
    ASSERT_EQ(::chmod(policy_.c_str(), 0644), 0);
    set_device(original_);
    const RunResult saved = run({"save", "--sysfs-root", sysfs_.string(), "-o", state_});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    ASSERT_EQ(::chmod(state_.c_str(), 0644), 0);
    set_device(clobbered_);
  }

  void set_device(const std::vector<std::uint8_t>& bytes) {
    write_bytes(config_, bytes);
    ASSERT_EQ(::chmod(config_.c_str(), 0644), 0);
  }

  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config-root", root_.string(), "--config", policy_});
    return run_capstate(tmp_, args);
  }

  // restore -i STATE onto the fake sysfs tree, undo files in the temp dir, plus `extra`.
  RunResult restore(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{
        "restore", "-i", state_, "--sysfs-root", sysfs_.string(), "--undo-dir", undo_dir_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  // The refusal's text names the file, the owner and mode found, what was expected and the way
  // out, and nothing was locked, saved or written.
  void expect_refused(const RunResult& r, const std::string& problem, mode_t mode, uid_t owner) {
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(
        r.err, HasSubstr("state file " + state_ + " is not trusted: it is " + problem +
                         " (found owner " + core::owner_text(owner) + ", mode " +
                         core::mode_text(mode) + "; expected owner " + core::trusted_owners_text() +
                         ", not writable by group or others)"));
    EXPECT_THAT(r.err, HasSubstr("could reprogram the devices of sysfs " + sysfs_.string()));
    EXPECT_THAT(r.err, HasSubstr("nothing was written"));
    EXPECT_THAT(r.err, HasSubstr("or restore it anyway with --allow-untrusted-state"));
    EXPECT_EQ(read_bytes(config_), clobbered_);
    EXPECT_FALSE(fs::exists(undo_dir_));
    EXPECT_FALSE(fs::exists(lock_dir_));
  }

  TempDir tmp_;
  fs::path root_ = tmp_.path() / "config-root";  // no system policy files
  fs::path sysfs_ = tmp_.path() / "sys";
  fs::path config_ = sysfs_ / "bus/pci/devices" / kDevice / "config";
  fs::path lock_dir_ = tmp_.path() / "locks";
  fs::path undo_dir_ = tmp_.path() / "undo";
  std::string policy_ = tmp_.file("policy.toml");
  std::string state_ = tmp_.file("saved.cst");
  std::vector<std::uint8_t> original_;
  std::vector<std::uint8_t> clobbered_;
};

TEST_F(StateTrust, TrustedStateFileIsRestored) {
  const RunResult r = restore();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_bytes(config_), original_);
}

TEST_F(StateTrust, WorldWritableStateFileIsRefusedWithZeroWrites) {
  ASSERT_EQ(::chmod(state_.c_str(), 0666), 0);
  const RunResult r = restore();
  expect_refused(r, "writable by group and others", 0666, ::geteuid());
  EXPECT_THAT(r.err, HasSubstr("fix it with: chmod go-w '" + state_ + "'"));
  // A dry run predicts the same refusal.
  const RunResult dry = restore({"--dry-run"});
  expect_refused(dry, "writable by group and others", 0666, ::geteuid());
  EXPECT_THAT(dry.out, Not(HasSubstr("dry run")));
}

TEST_F(StateTrust, GroupWritableStateFileIsRefused) {
  ASSERT_EQ(::chmod(state_.c_str(), 0664), 0);
  expect_refused(restore(), "writable by group", 0664, ::geteuid());
}

TEST_F(StateTrust, RefusalIsAJsonErrorOfKindRefused) {
  ASSERT_EQ(::chmod(state_.c_str(), 0606), 0);
  const RunResult r = restore({"--json"});
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json error = nlohmann::json::parse(r.out).at("error");
  EXPECT_EQ(error.at("kind"), "refused");
  EXPECT_EQ(error.at("exit_code"), 1);
  EXPECT_THAT(error.at("message").get<std::string>(),
              HasSubstr("state file " + state_ + " is not trusted: it is writable by others"));
  EXPECT_EQ(read_bytes(config_), clobbered_);
}

TEST_F(StateTrust, StateFileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "chown to another user needs root";
  }
  ASSERT_EQ(::chown(state_.c_str(), 65534, 65534), 0);
  const RunResult r = restore();
  expect_refused(r, "owned by " + core::owner_text(65534) + ", not by root", 0644, 65534);
  EXPECT_THAT(r.err, HasSubstr("fix it with: chown root '" + state_ + "'"));
}

TEST_F(StateTrust, AllowUntrustedStateRestoresAnyway) {
  ASSERT_EQ(::chmod(state_.c_str(), 0666), 0);
  const RunResult r = restore({"--allow-untrusted-state"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_bytes(config_), original_);
  EXPECT_THAT(r.err, Not(HasSubstr("not trusted")));
}

// A diff writes nothing and an lspci dump or image is no hardware: neither is checked.
TEST_F(StateTrust, DiffAndDumpSourcesAreNotChecked) {
  ASSERT_EQ(::chmod(state_.c_str(), 0666), 0);
  const RunResult diff = run({"diff", state_, "--sysfs-root", sysfs_.string()});
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_THAT(diff.err, Not(HasSubstr("not trusted")));

  const std::string saved_q35 = tmp_.file("q35.cst");
  const std::string q35 = data_file("qemu-q35-guest.xxxx.txt");
  ASSERT_EQ(run({"save", "--dump", q35, "-o", saved_q35}).exit_code, 0);
  ASSERT_EQ(::chmod(saved_q35.c_str(), 0666), 0);
  const RunResult dump =
      run({"restore", "-i", saved_q35, "--dump", q35, "--output-dump", tmp_.file("out.txt")});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_THAT(dump.err, Not(HasSubstr("not trusted")));
  EXPECT_TRUE(fs::exists(tmp_.file("out.txt")));
}

// live-update restore checks its state file the same way; the file is kept for a later try.
TEST_F(StateTrust, LiveUpdateRestoreRefusesAnUntrustedStateFile) {
  const fs::path live = tmp_.path() / "live" / "lu.state";
  write_text(policy_, clitest::read_text(policy_) + "live_update_state = \"" + live.string() +
                          "\"\nundo_dir = \"" + undo_dir_.string() + "\"\n");
  set_device(original_);
  const RunResult saved = run({"live-update", "save", "--sysfs-root", sysfs_.string()});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  set_device(clobbered_);
  ASSERT_EQ(::chmod(live.c_str(), 0666), 0);
  const std::vector<std::string> args{"live-update", "restore",      "--stage",
                                      "early",       "--sysfs-root", sysfs_.string()};
  const RunResult r = run(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("state file " + live.string() +
                               " is not trusted: it is writable by group and others (found "
                               "owner " +
                               core::owner_text(::geteuid()) + ", mode 0666;"));
  EXPECT_EQ(read_bytes(config_), clobbered_);
  EXPECT_TRUE(fs::exists(live));  // not renamed: nothing was restored

  std::vector<std::string> allowed = args;
  allowed.push_back("--allow-untrusted-state");
  const RunResult ok = run(allowed);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(read_bytes(config_), original_);
  EXPECT_TRUE(fs::exists(live.string() + ".restored"));
}

// The library does the check for embedders: run_restore refuses the file named by file_path
// before anything is locked or written; without a path the caller vouches for the state.
TEST_F(StateTrust, RunRestoreChecksTheFilePathItIsGiven) {
  ASSERT_EQ(::chmod(state_.c_str(), 0666), 0);
  core::SysfsSource source(sysfs_);
  const core::StateFile file = core::decode_state(read_bytes(state_), state_);
  core::Policy policy = core::default_policy();
  policy.lock_dir.value = lock_dir_.string();
  core::RestoreRequest request;
  request.source = &source;
  request.file = &file;
  request.policy = &policy;
  request.undo = false;
  request.registry_options.search_path = {fs::path(CAPSTATE_BINARY_DIR) / "lib/capstate/plugins"};
  request.registry_options.disabled = {"header", "pm", "msi"};
  request.file_path = state_;
  try {
    (void)core::run_restore(request);
    ADD_FAILURE() << "an untrusted state file was restored";
  } catch (const core::UntrustedStateFile& e) {
    EXPECT_EQ(std::string(e.what()), core::state_file_trust_problem(state_, source));
    EXPECT_THAT(e.what(), HasSubstr("state file " + state_ +
                                    " is not trusted: it is writable by "
                                    "group and others"));
  }
  EXPECT_EQ(read_bytes(config_), clobbered_);
  EXPECT_FALSE(fs::exists(lock_dir_));

  request.allow_untrusted_state = true;
  EXPECT_TRUE(core::run_restore(request).applied);
  EXPECT_EQ(read_bytes(config_), original_);

  set_device(clobbered_);
  request.allow_untrusted_state = false;
  request.file_path.clear();  // the state did not come from a file
  EXPECT_TRUE(core::run_restore(request).applied);
  EXPECT_EQ(read_bytes(config_), original_);
  ASSERT_EQ(::chmod(state_.c_str(), 0644), 0);
  EXPECT_EQ(core::state_file_trust_problem(state_, source), "");
}

// Directories capstate creates are 0700 whatever the umask; those that exist keep their mode.
TEST_F(StateTrust, CreatedDirectoriesArePrivate) {
  const ScopedUmask open_umask(0);
  const fs::path live = tmp_.path() / "var" / "lib" / "cs" / "lu.state";
  const fs::path locks = tmp_.path() / "run" / "lock" / "cs";
  const fs::path undo = tmp_.path() / "spool" / "undo";
  write_text(policy_, "lock_dir = \"" + locks.string() + "\"\nlive_update_state = \"" +
                          live.string() + "\"\ndisabled_plugins = [\"header\", \"pm\", \"msi\"]\n");
  ASSERT_EQ(::chmod(policy_.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  set_device(original_);
  const RunResult saved = run({"live-update", "save", "--sysfs-root", sysfs_.string()});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  for (const fs::path& d : {tmp_.path() / "var", tmp_.path() / "var/lib", live.parent_path()}) {
    EXPECT_EQ(mode_of(d), 0700U) << d;
  }
  set_device(clobbered_);
  const RunResult r =
      run({"restore", "-i", state_, "--sysfs-root", sysfs_.string(), "--undo-dir", undo.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const fs::path& d :
       {tmp_.path() / "spool", undo, tmp_.path() / "run", tmp_.path() / "run/lock", locks}) {
    EXPECT_EQ(mode_of(d), 0700U) << d;
  }
  EXPECT_EQ(mode_of(tmp_.path()), 0755U);  // an existing directory is never changed
}

TEST(PrivateDirectories, CreatesMissingOnesOnlyAndReportsErrors) {
  TempDir tmp;
  const ScopedUmask umask_that_also_drops_owner_bits(0277);
  const fs::path existing = tmp.path() / "existing";
  fs::create_directories(existing);
  ASSERT_EQ(::chmod(existing.c_str(), 0755), 0);
  EXPECT_FALSE(core::create_private_directories(existing / "a" / "b/"));
  EXPECT_EQ(mode_of(existing), 0755U);
  EXPECT_EQ(mode_of(existing / "a"), 0700U);
  EXPECT_EQ(mode_of(existing / "a/b"), 0700U);
  EXPECT_FALSE(core::create_private_directories(existing));  // exists: nothing to do
  EXPECT_EQ(mode_of(existing), 0755U);
  write_text(tmp.path() / "file", "x");
  EXPECT_EQ(core::create_private_directories(tmp.path() / "file"),
            std::make_error_code(std::errc::not_a_directory));
  EXPECT_EQ(core::create_private_directories(tmp.path() / "file" / "sub"),
            std::make_error_code(std::errc::not_a_directory));
}

}  // namespace
}  // namespace capstate::clitest
