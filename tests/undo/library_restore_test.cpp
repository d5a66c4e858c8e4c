// run_restore() into a fake sysfs tree, called as a library (no capstate process): the policy
// comes from a config root passed in, the plugins from a directory passed in, and the CAPSTATE_*
// variables, set to decoys, change nothing. The device lock and the undo file land where that
// policy says, and the undo file holds what the restore overwrote.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "backends/sysfs_source.hpp"
#include "dispatch/save_state.hpp"
#include "policy/policy.hpp"
#include "restore/restore_session.hpp"
#include "statefile/codec.hpp"
#include "support/scoped_env.hpp"
#include "undo_fixture.hpp"

namespace capstate::undotest {
namespace {

namespace fs = std::filesystem;
using ::testing::SizeIs;
using testsupport::ScopedEnv;

// Remembers what the restore reported.
class Observer final : public core::RestoreObserver {
 public:
  void registry_loaded(const core::Registry& registry) override {
    for (const core::PluginEntry& e : registry.entries()) {
      plugin_files.push_back(e.file);
      if (e.status == core::PluginStatus::loaded) {
        loaded.push_back(e.name);
      }
    }
  }
  void undo_file_saved(const fs::path& path) override { undo_file = path; }

  std::vector<fs::path> plugin_files;
  std::vector<std::string> loaded;
  fs::path undo_file;
};

TEST(LibraryRestore, SysfsRestoreUsesOnlyWhatItIsGiven) {
  TempDir tmp;
  const fs::path sysfs = tmp / "sys";
  const fs::path plugins = fs::path(CAPSTATE_BINARY_DIR) / "lib" / "capstate" / "plugins";
  const std::vector<std::uint8_t> original = dump_config("ltr/ltr-endpoint.xxxx.txt", kFirst);
  const std::vector<std::uint8_t> clobbered =
      with_word(with_word(original, kSnoop, 0x0000), kNoSnoop, 0x0000);
  const fs::path config = add_sysfs_device(sysfs, kFirst, original);
  const fs::path lock_dir = tmp / "lock";
  const fs::path undo_dir = tmp / "undo";
  write_text(
      tmp / "given/etc/capstate/capstate.toml",
      "lock_dir = \"" + lock_dir.string() + "\"\nundo_dir = \"" + undo_dir.string() + "\"\n");
  // Decoys: honoured, they would turn the undo file off and add a plugin directory.
  write_text(tmp / "decoy/etc/capstate/capstate.toml", "undo = false\n");
  fs::create_directories(tmp / "decoy-plugins");
  const ScopedEnv root_env("CAPSTATE_CONFIG_ROOT", (tmp / "decoy").string());
  const ScopedEnv plugin_env("CAPSTATE_PLUGIN_PATH", (tmp / "decoy-plugins").string());

  const core::Policy policy =
      core::load_policy(core::policy_root("", (tmp / "given").string()), {});
  ASSERT_TRUE(policy.undo.value);
  ASSERT_EQ(policy.undo_dir.value, undo_dir.string());
  core::RegistryOptions plugin_options;
  plugin_options.search_path = core::plugin_search_path({plugins}, std::nullopt, {});
  ASSERT_EQ(plugin_options.search_path.front(), plugins.lexically_normal());

  core::SysfsSource source(sysfs);
  core::StateFile file;
  {
    const core::Registry registry = core::Registry::load(plugin_options);
    core::SaveReport report;
    file = core::save_state(source, {*core::PciAddress::parse(kFirst)}, registry, {}, report);
  }
  ASSERT_THAT(file.devices, SizeIs(1));
  add_sysfs_device(sysfs, kFirst, clobbered);

  core::RestoreRequest request;
  request.source = &source;
  request.file = &file;
  request.policy = &policy;
  request.registry_options = plugin_options;  // loaded by run_restore after the lock is taken
  Observer observer;
  const core::RestoreOutcome outcome = core::run_restore(request, observer);

  // The plugins came from the directory given, none from the decoy.
  ASSERT_FALSE(observer.plugin_files.empty());
  for (const fs::path& f : observer.plugin_files) {
    EXPECT_NE(f.parent_path(), tmp / "decoy-plugins") << f;
  }
  EXPECT_THAT(observer.loaded, ::testing::Contains("ltr"));
  // Written and verified: the device holds the saved latencies again.
  EXPECT_TRUE(outcome.applied);
  ASSERT_THAT(outcome.devices, SizeIs(1));
  EXPECT_TRUE(outcome.devices[0].verify);
  EXPECT_EQ(outcome.written(), 1U);  // the latencies: one dword register
  EXPECT_EQ(outcome.verified(), 1U);
  EXPECT_EQ(outcome.mismatches(), 0U);
  EXPECT_EQ(read_bytes(config), original);
  // The lock and the undo file are where the policy given puts them.
  EXPECT_TRUE(fs::exists(lock_dir / (kFirst + ".lock")));
  ASSERT_FALSE(outcome.undo_file.empty());
  EXPECT_EQ(outcome.undo_file.parent_path(), undo_dir);
  EXPECT_EQ(observer.undo_file, outcome.undo_file);
  EXPECT_EQ(files_ending(undo_dir, ".state"), std::vector<fs::path>{outcome.undo_file});
  // The undo file holds the device as it was before the restore: the cleared latencies.
  const core::StateFile before =
      core::decode_state(read_bytes(outcome.undo_file), outcome.undo_file.string());
  ASSERT_THAT(before.devices, SizeIs(1));
  EXPECT_EQ(before.devices[0].address.str(), kFirst);
  ASSERT_FALSE(before.devices[0].records.empty());
}

}  // namespace
}  // namespace capstate::undotest
