// Policy-file trust (like sshd's StrictModes): a policy layer that another user could have
// written — the file, or a directory above it — is refused naming the file, its owner and its
// mode, and the command fails (exit 1) before any plugin is loaded or device opened.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "policy/policy.hpp"
#include "policy_files.hpp"
#include "util/file_trust.hpp"

namespace capstate::policytest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The PolicyError text of load_policy(root, files), or "(accepted)".
std::string load_error(const fs::path& root, const std::vector<fs::path>& files = {}) {
  try {
    (void)core::load_policy(root, files);
  } catch (const core::PolicyError& e) {
    return e.what();
  }
  return "(accepted)";
}

// "found owner uid N (name), mode MODE" as the messages print it for a file of ours.
std::string found(mode_t mode) {
  return "found owner " + core::owner_text(::geteuid()) + ", mode " + core::mode_text(mode);
}

class PolicyTrust : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every directory of the config root trusted whatever the umask: 0755.
    for (const fs::path& d : {root_.path(), root_.path() / "etc", root_.path() / "etc/capstate",
                              root_.path() / "etc/capstate/conf.d"}) {
      fs::create_directories(d);
      ASSERT_EQ(::chmod(d.c_str(), 0755), 0);
    }
  }

  // A drop-in with `text`, mode `mode`.
  std::string drop_in(const std::string& name, const std::string& text, mode_t mode) {
    const std::string file = put(root_.path(), "etc/capstate/conf.d/" + name, text);
    EXPECT_EQ(::chmod(file.c_str(), mode), 0);
    return file;
  }

  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config-root", root_.path().string()});
    return clitest::run_capstate(tmp_, args);
  }

  TempDir tmp_;
  TempDir root_;
};

TEST_F(PolicyTrust, GoodFilesAreRead) {
  const std::string file = drop_in("10-ok.toml", "identity = \"ids\"\n", 0644);
  const std::string own = put(tmp_.path(), "own.toml", "verify = false\n");
  ASSERT_EQ(::chmod(own.c_str(), 0600), 0);
  const core::Policy p = core::load_policy(root_.path(), {own});
  EXPECT_EQ(p.defaults.identity.value, "ids");
  EXPECT_EQ(p.defaults.identity.source, file + ":1");
  EXPECT_FALSE(p.defaults.verify.value);
  const RunResult r = run({"--config", own, "config", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nidentity = \"ids\"  # from " + file + ":1\n"));
}

// The case of the issue: a world-writable drop-in that turns the plugin trust off and names a
// world-writable plugin directory. Refused before any plugin is looked at.
TEST_F(PolicyTrust, WorldWritableDropInIsRefusedNamingFileOwnerAndMode) {
  const fs::path ww = tmp_.path() / "ww";
  fs::create_directories(ww);
  ASSERT_EQ(::chmod(ww.c_str(), 0777), 0);
  const std::string file = drop_in(
      "10-x.toml", "allow_untrusted_plugin_dirs = true\nplugin_dirs = [\"" + ww.string() + "\"]\n",
      0666);
  const std::string e = load_error(root_.path());
  EXPECT_THAT(e, HasSubstr("policy file " + file +
                           " is not trusted: it is writable by group and "
                           "others (" +
                           found(0666) + "; expected owner " + core::trusted_owners_text() +
                           ", not writable by group or others)"));
  EXPECT_THAT(e, HasSubstr("the command stopped before any device was opened"));
  EXPECT_THAT(e, HasSubstr("fix it with: chmod go-w '" + file + "'"));

  const RunResult r = run({"plugins"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("policy file " + file + " is not trusted"));
  EXPECT_THAT(r.err, HasSubstr("mode 0666"));
  EXPECT_EQ(r.out, "");  // no plugin listed, none loaded
  const RunResult j = run({"--json", "list", "--sysfs-root", tmp_.file("no-sysfs")});
  EXPECT_EQ(j.exit_code, 1);
  const nlohmann::json error = nlohmann::json::parse(j.out).at("error");
  EXPECT_EQ(error.at("kind"), "policy");
  EXPECT_EQ(error.at("exit_code"), 1);
  EXPECT_THAT(error.at("message").get<std::string>(), HasSubstr(file));
  // The policy failed first: the sysfs root that does not exist was never looked at.
  EXPECT_THAT(j.err, Not(HasSubstr("no-sysfs")));
}

TEST_F(PolicyTrust, GroupWritableFileIsRefused) {
  const std::string file = drop_in("20-g.toml", "verify = false\n", 0664);
  EXPECT_THAT(load_error(root_.path()),
              HasSubstr("policy file " + file + " is not trusted: it is writable by group (" +
                        found(0664) + ";"));
}

TEST_F(PolicyTrust, GroupWritableParentDirectoryIsRefused) {
  const std::string file = drop_in("10-ok.toml", "verify = false\n", 0644);
  const fs::path confd = root_.path() / "etc/capstate/conf.d";
  ASSERT_EQ(::chmod(confd.c_str(), 0775), 0);
  const std::string e = load_error(root_.path());
  EXPECT_THAT(e,
              HasSubstr("policy file " + file + " is not trusted: the directory " + confd.string() +
                        " above it is writable by group (" + found(0775) + ";"));
  EXPECT_THAT(e, HasSubstr("fix it with: chmod go-w '" + confd.string() + "'"));
  // Further up counts too: the config root itself.
  ASSERT_EQ(::chmod(confd.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(root_.path().c_str(), 0777), 0);
  EXPECT_THAT(load_error(root_.path()), HasSubstr("the directory " + root_.path().string() +
                                                  " above it is writable by group and others"));
  ASSERT_EQ(::chmod(root_.path().c_str(), 0755), 0);
  EXPECT_EQ(load_error(root_.path()), "(accepted)");
}

TEST_F(PolicyTrust, ConfigFileOnTheCommandLineIsCheckedToo) {
  const std::string file = put(tmp_.path(), "site.toml", "verify = false\n");
  ASSERT_EQ(::chmod(file.c_str(), 0646), 0);
  const RunResult r = run({"--config", file, "config", "show"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("policy file " + file +
                               " is not trusted: it is writable by others (" + found(0646) + ";"));
  EXPECT_EQ(r.out, "");
}

TEST_F(PolicyTrust, FileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "chown to another user needs root";
  }
  const std::string file = drop_in("30-nobody.toml", "verify = false\n", 0644);
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  const std::string e = load_error(root_.path());
  EXPECT_THAT(e, HasSubstr("policy file " + file + " is not trusted: it is owned by " +
                           core::owner_text(65534) + ", not by root (found owner " +
                           core::owner_text(65534) + ", mode 0644; expected owner root"));
  EXPECT_THAT(e, HasSubstr("fix it with: chown root '" + file + "'"));
  // A directory above owned by another user is refused the same way.
  ASSERT_EQ(::chown(file.c_str(), 0, 0), 0);
  const fs::path confd = root_.path() / "etc/capstate/conf.d";
  ASSERT_EQ(::chown(confd.c_str(), 65534, 65534), 0);
  EXPECT_THAT(load_error(root_.path()),
              HasSubstr("the directory " + confd.string() + " above it is owned by " +
                        core::owner_text(65534) + ", not by root"));
}

// Like /tmp: others may write a root-owned directory with the sticky bit, since only an entry's
// owner may rename or remove it; without the sticky bit the same directory is refused.
TEST_F(PolicyTrust, RootOwnedStickyDirectoryAboveIsAccepted) {
  const fs::path shared = tmp_.path() / "shared";
  fs::create_directories(shared);
  const std::string file = put(shared, "site.toml", "verify = false\n");
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(shared.c_str(), 0777), 0);
  EXPECT_THAT(
      load_error(root_.path(), {file}),
      HasSubstr("the directory " + shared.string() + " above it is writable by group and others"));
  ASSERT_EQ(::chmod(shared.c_str(), 01777), 0);
  if (::geteuid() == 0) {
    EXPECT_EQ(load_error(root_.path(), {file}), "(accepted)");
  } else {  // sticky but owned by a user: still refused
    EXPECT_THAT(load_error(root_.path(), {file}), HasSubstr("mode 1777"));
  }
}

// A symbolic link in a trusted directory to a file in an untrusted one: the resolved path counts.
TEST_F(PolicyTrust, SymbolicLinkIsCheckedWhereItLeads) {
  const fs::path open_dir = tmp_.path() / "open";
  fs::create_directories(open_dir);
  const std::string target = put(open_dir, "real.toml", "verify = false\n");
  ASSERT_EQ(::chmod(target.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(open_dir.c_str(), 0777), 0);
  const fs::path link = root_.path() / "etc/capstate/capstate.toml";
  fs::create_symlink(target, link);
  const std::string e = load_error(root_.path());
  EXPECT_THAT(e, HasSubstr("policy file " + link.string() + " is not trusted: the directory " +
                           open_dir.string() + " above it is writable by group and others"));
  ASSERT_EQ(::chmod(open_dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(target.c_str(), 0666), 0);
  EXPECT_THAT(load_error(root_.path()),
              HasSubstr("policy file " + link.string() + " is not trusted: the file " + target +
                        " it resolves to is writable by group and others"));
  ASSERT_EQ(::chmod(target.c_str(), 0644), 0);
  EXPECT_EQ(load_error(root_.path()), "(accepted)");
}

}  // namespace
}  // namespace capstate::policytest
