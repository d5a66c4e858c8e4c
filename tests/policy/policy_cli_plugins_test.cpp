// Registry settings through the real binary: disabled_plugins, plugin_dirs,
// allow_untrusted_plugin_dirs and plugin_winner (with the registry tests' rival plugins).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "policy_files.hpp"

namespace capstate::policytest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class PolicyPlugins : public ::testing::Test {
 protected:
  // capstate with an empty config root and `policy_text` as the only policy file.
  RunResult run(std::vector<std::string> args, const std::string& policy_text) {
    clitest::write_text(policy_, policy_text);
    std::vector<std::string> full{"--config-root", root_.path().string(), "--config", policy_};
    full.insert(full.end(), args.begin(), args.end());
    return clitest::run_capstate(tmp_, full);
  }

  // A fresh 0755 directory holding copies of the .so files of `from` with `mode`.
  std::string copy_plugins(const fs::path& from, const std::string& name, mode_t mode) {
    const fs::path dir = tmp_.path() / name;
    fs::create_directories(dir);
    ::chmod(dir.c_str(), 0755);
    for (const fs::directory_entry& e : fs::directory_iterator(from)) {
      if (e.path().extension() == ".so") {
        fs::copy_file(e.path(), dir / e.path().filename());
        ::chmod((dir / e.path().filename()).c_str(), mode);
      }
    }
    return dir.string();
  }

  // name -> {status, file, reason} from `plugins --json`, which exits `exit_code` (1 when a
  // plugin is refused).
  std::map<std::string, nlohmann::json> plugins(const std::string& policy_text, int exit_code = 0) {
    const RunResult r = run({"--json", "plugins"}, policy_text);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    std::map<std::string, nlohmann::json> out;
    for (const nlohmann::json& e : nlohmann::json::parse(r.out)) {
      if (!out.count(e.at("name"))) {
        out[e.at("name")] = e;  // the first one found on the search path
      }
    }
    return out;
  }

  TempDir tmp_;
  TempDir root_;
  std::string policy_ = tmp_.file("policy.toml");
  fs::path shipped_ = fs::path(CAPSTATE_BINARY_DIR) / "lib/capstate/plugins";
};

TEST_F(PolicyPlugins, DisabledPluginIsShownAndNotUsedBySave) {
  auto listed = plugins("disabled_plugins = [\"msix\"]\n");
  EXPECT_EQ(listed.at("msix").at("status"), "disabled");
  EXPECT_EQ(listed.at("msix").at("reason"), "plugin 'msix' is disabled by policy");
  EXPECT_EQ(listed.at("pcie").at("status"), "loaded");
  const std::string file = tmp_.file("s.cst");
  ASSERT_EQ(run({"save", "--dump", q35(), "-o", file}, "disabled_plugins = [\"msix\"]\n").exit_code,
            0);
  const RunResult inspect = run({"inspect", file}, "");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, Not(HasSubstr("plugin = \"msix\"")));
  EXPECT_THAT(inspect.out, HasSubstr("plugin = \"pcie\""));
}

TEST_F(PolicyPlugins, PluginDirsAreSearchedBeforeTheBuildTree) {
  const std::string dir = copy_plugins(shipped_, "trusted", 0755);
  auto listed = plugins("plugin_dirs = [\"" + dir + "\"]\n");
  EXPECT_EQ(listed.at("pcie").at("status"), "loaded");
  EXPECT_EQ(listed.at("pcie").at("file"), dir + "/pcie.so");
  const RunResult r = run({"--json", "plugins"}, "plugin_dirs = [\"" + dir + "\"]\n");
  EXPECT_THAT(r.out, HasSubstr("shadowed"));
}

TEST_F(PolicyPlugins, UntrustedDirRefusedUnlessAllowed) {
  const std::string dir = copy_plugins(shipped_, "writable", 0777);
  const std::string file = dir + "/pcie.so";
  // A refused file's metadata is never read, so it is found by file name.
  auto entry_for = [&](const std::string& policy_text, int exit_code) {
    const RunResult r = run({"--json", "plugins"}, policy_text);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    for (const nlohmann::json& e : nlohmann::json::parse(r.out)) {
      if (e.at("file") == file) {
        return e;
      }
    }
    return nlohmann::json{{"status", "(not listed)"}, {"reason", ""}};
  };
  const nlohmann::json refused = entry_for("plugin_dirs = [\"" + dir + "\"]\n", 1);
  EXPECT_EQ(refused.at("status"), "refused");
  EXPECT_THAT(refused.at("reason").get<std::string>(), HasSubstr("writable"));
  const nlohmann::json allowed =
      entry_for("plugin_dirs = [\"" + dir + "\"]\nallow_untrusted_plugin_dirs = true\n", 0);
  EXPECT_EQ(allowed.at("status"), "loaded");
  EXPECT_EQ(allowed.at("name"), "pcie");
}

TEST_F(PolicyPlugins, WinnerChoosesBetweenRivals) {
  const std::string dir =
      copy_plugins(fs::path(CAPSTATE_BINARY_DIR) / "test-plugins/claim", "claim", 0755);
  const std::string dirs = "plugin_dirs = [\"" + dir + "\"]\n";
  auto first = plugins(dirs, 1);
  EXPECT_EQ(first.at("alpha").at("status"), "loaded");
  EXPECT_EQ(first.at("beta").at("status"), "refused");
  auto chosen = plugins(dirs + "[plugin_winner]\n\"standard:0x09\" = \"beta\"\n", 1);
  EXPECT_EQ(chosen.at("beta").at("status"), "loaded");
  EXPECT_EQ(chosen.at("alpha").at("status"), "refused");
  EXPECT_THAT(chosen.at("alpha").at("reason").get<std::string>(),
              HasSubstr("capability standard:0x09 is given to plugin 'beta'"));
}

}  // namespace
}  // namespace capstate::policytest
