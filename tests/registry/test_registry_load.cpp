// Registry::load with real plugin libraries: good, broken, untrusted, shadowed, disabled,
// contested.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "capstate/sdk/abi.hpp"
#include "registry/abi_check.hpp"
#include "registry/claim_match.hpp"
#include "registry/registry.hpp"
#include "registry_test_util.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace capstate::core {
namespace {

using test::copy_plugins;
using test::entry_named;
using test::load_dir;
using test::TempDir;

// A temp dir holding copies of the test plugins of `test_case`.
struct Staged {
  explicit Staged(std::string_view test_case) {
    copy_plugins(test::built_plugins(test_case), dir.path());
  }
  TempDir dir;
};

TEST(RegistryLoad, GoodPluginLoadsWithItsMetadata) {
  Staged good("good");
  const Registry reg = load_dir(good.dir.path());
  ASSERT_EQ(reg.entries().size(), 1U);
  const PluginEntry& e = reg.entries()[0];
  EXPECT_EQ(e.file, good.dir.path() / "good.so");
  EXPECT_EQ(e.status, PluginStatus::loaded);
  EXPECT_EQ(e.reason, "");
  EXPECT_EQ(e.name, "good");
  EXPECT_EQ(e.version, "1.2.3");
  EXPECT_EQ(e.summary, "test plugin good");
  ASSERT_EQ(e.claims.size(), 2U);
  EXPECT_EQ(claim_type(e.claims[0]), (CapabilityId{CapKind::standard, 0x05}));
  EXPECT_EQ(claim_type(e.claims[1]), (CapabilityId{CapKind::extended, 0x0018}));
  EXPECT_EQ(e.current_schema, 1);
  EXPECT_EQ(e.oldest_schema, 1);
  EXPECT_EQ(e.restore_phase, 120);
  EXPECT_TRUE(e.needs_bar_access);
  ASSERT_NE(e.plugin, nullptr);
  ASSERT_EQ(e.plugin->layouts().size(), 1U);
  EXPECT_EQ(e.plugin->layouts()[0].fields[1].name, "data");

  EXPECT_EQ(reg.handler({CapKind::extended, 0x0018}), &e);
  EXPECT_EQ(reg.handler({CapKind::standard, 0x05}), &e);
  EXPECT_EQ(reg.handler({CapKind::standard, 0x18}), nullptr);
  EXPECT_EQ(reg.find("good"), &e);
  EXPECT_EQ(reg.find("goo"), nullptr);
}

TEST(RegistryLoad, PluginOutlivesTheRegistryThatLoadedIt) {
  Staged good("good");
  std::shared_ptr<const Plugin> kept;
  {
    const Registry reg = load_dir(good.dir.path());
    kept = reg.entries().at(0).plugin;
  }
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->info().name, "good");  // code and strings still mapped
  EXPECT_EQ(kept->layouts()[0].fields[0].name, "ctrl");
}

TEST(RegistryLoad, ExamplePmPluginLoads) {
  TempDir dir;
  copy_plugins(fs::path(CAPSTATE_BINARY_DIR) / "example-plugins", dir.path());
  const Registry reg = load_dir(dir.path());
  const PluginEntry& e = entry_named(reg, "pm-example.so");
  ASSERT_EQ(e.status, PluginStatus::loaded) << e.reason;
  EXPECT_EQ(e.name, "pm-example");
  ASSERT_EQ(e.claims.size(), 1U);
  EXPECT_EQ(claim_type(e.claims[0]), (CapabilityId{CapKind::standard, 0x01}));
  EXPECT_EQ(e.restore_phase, 50);
  const auto layouts = e.plugin->layouts();
  ASSERT_EQ(layouts.size(), 1U);
  ASSERT_EQ(layouts[0].fields.size(), 2U);
  const Field& pmcsr = layouts[0].fields[1];
  EXPECT_EQ(pmcsr.name, "pmcsr");
  EXPECT_EQ(pmcsr.offset, 0x04);
  EXPECT_EQ(pmcsr.width, Width::word);
  EXPECT_EQ(pmcsr.writable, 0x0103U);
  EXPECT_EQ(pmcsr.w1c, 0x8000U);
  EXPECT_EQ(pmcsr.verify, 0x0003U);
}

TEST(RegistryLoad, WrongAbiStampIsRefusedShowingBothValues) {
  Staged s("badabi");
  const Registry reg = load_dir(s.dir.path());
  const PluginEntry& e = entry_named(reg, "badabi.so");
  EXPECT_EQ(e.status, PluginStatus::refused);
  EXPECT_EQ(e.reason,
            "ABI stamp mismatch: sdk_abi_version plugin 999, host 5 — rebuild the plugin against "
            "this capstate SDK");
  EXPECT_EQ(e.plugin, nullptr);
  EXPECT_EQ(e.name, "");  // never asked
}

TEST(RegistryLoad, MissingSymbolsAreNamed) {
  Staged nofactory("nofactory");
  Staged nostamp("nostamp");
  RegistryOptions options;
  options.search_path = {nofactory.dir.path(), nostamp.dir.path()};
  const Registry reg = Registry::load(options);
  EXPECT_EQ(entry_named(reg, "nofactory.so").status, PluginStatus::refused);
  EXPECT_THAT(entry_named(reg, "nofactory.so").reason,
              StartsWith("missing symbol capstate_plugin_factory — build the plugin with "
                         "CAPSTATE_PLUGIN"));
  EXPECT_EQ(entry_named(reg, "nostamp.so").status, PluginStatus::refused);
  EXPECT_THAT(entry_named(reg, "nostamp.so").reason,
              StartsWith("missing symbol capstate_abi_stamp"));
}

TEST(RegistryLoad, ThrowingPluginsAreRefusedWithTheirText) {
  Staged s("throwing");
  const Registry reg = load_dir(s.dir.path());
  ASSERT_EQ(reg.entries().size(), 3U);
  const fs::path dir = s.dir.path();
  EXPECT_EQ(entry_named(reg, "throwfactory.so").reason,
            "plugin " + (dir / "throwfactory.so").string() +
                " threw during factory call: factory refuses to build");
  EXPECT_EQ(entry_named(reg, "throwinfo.so").reason,
            "plugin " + (dir / "throwinfo.so").string() + " threw during info(): info is broken");
  EXPECT_EQ(entry_named(reg, "throwlayouts.so").reason,
            "plugin " + (dir / "throwlayouts.so").string() +
                " threw during layouts(): unknown exception (not derived from std::exception)");
  for (const auto& e : reg.entries()) {
    EXPECT_EQ(e.status, PluginStatus::refused) << e.file;
    EXPECT_EQ(e.plugin, nullptr);
  }
}

TEST(RegistryLoad, MalformedMetadataIsRefusedSayingWhat) {
  Staged s("malformed");
  const Registry reg = load_dir(s.dir.path());
  EXPECT_EQ(entry_named(reg, "badname.so").reason,
            "metadata malformed: name 'Bad Name' must match [a-z0-9_-]+");
  EXPECT_EQ(entry_named(reg, "misaligned.so").reason,
            "metadata malformed: plugin 'misaligned' schema 1 field 0 'ctrl': offset 0x3 is not "
            "aligned to its width 2");
  EXPECT_EQ(entry_named(reg, "layoutcount.so").reason,
            "metadata malformed: plugin 'layoutcount' declares 1 layouts, expected 2 (one per "
            "schema 1..2)");
  EXPECT_EQ(entry_named(reg, "widemask.so").reason,
            "metadata malformed: plugin 'widemask' schema 1 field 0 'ctrl': writable mask 0x1ffff "
            "has bits outside its 16-bit width");
  for (const auto& e : reg.entries()) {
    EXPECT_EQ(e.status, PluginStatus::refused) << e.file;
  }
  EXPECT_EQ(reg.find("misaligned"), nullptr);
}

TEST(RegistryLoad, TextFileNamedSoIsNotALoadableLibrary) {
  TempDir dir;
  test::write_file(dir.path() / "notaplugin.so",
                   "This is not a shared library, only text that ends in .so by accident.\n");
  test::write_file(dir.path() / "README.txt", "ignored: does not end in .so\n");
  fs::create_directory(dir.path() / "subdir.so");  // ignored: not a regular file
  const Registry reg = load_dir(dir.path());
  ASSERT_EQ(reg.entries().size(), 1U);
  const PluginEntry& e = reg.entries()[0];
  EXPECT_EQ(e.status, PluginStatus::refused);
  EXPECT_THAT(e.reason, StartsWith("not a loadable library: " + e.file.string()));
  EXPECT_THAT(e.reason, HasSubstr("invalid ELF header"));
}

TEST(RegistryLoad, FilesAreLoadedInNameOrder) {
  Staged s("malformed");
  const Registry reg = load_dir(s.dir.path());
  std::vector<std::string> names;
  for (const auto& e : reg.entries()) {
    names.push_back(e.file.filename().string());
  }
  EXPECT_THAT(names, ::testing::ElementsAre("badname.so", "layoutcount.so", "misaligned.so",
                                            "widemask.so"));
}

TEST(RegistryLoad, WorldWritableDirectoryIsRefusedUnlessAllowed) {
  Staged s("good");
  fs::permissions(s.dir.path(), fs::perms(0777));
  const Registry reg = load_dir(s.dir.path());
  const PluginEntry& e = entry_named(reg, "good.so");
  EXPECT_EQ(e.status, PluginStatus::refused);
  EXPECT_EQ(e.reason, "untrusted plugin directory " + s.dir.path().string() +
                          " (mode 0777, owner uid " + std::to_string(::geteuid()) +
                          "): writable by group or others — fix its permissions/owner or set "
                          "allow_untrusted_plugin_dirs");

  const Registry allowed = load_dir(s.dir.path(), true);
  EXPECT_EQ(entry_named(allowed, "good.so").status, PluginStatus::loaded);
}

TEST(RegistryLoad, GroupWritableFileIsRefused) {
  Staged s("good");
  fs::permissions(s.dir.path() / "good.so", fs::perms(0664));
  const Registry reg = load_dir(s.dir.path());
  const PluginEntry& e = entry_named(reg, "good.so");
  EXPECT_EQ(e.status, PluginStatus::refused);
  EXPECT_THAT(e.reason, StartsWith("untrusted plugin file " + (s.dir.path() / "good.so").string() +
                                   " (mode 0664, owner uid "));
}

TEST(RegistryLoad, FileOwnedBySomeoneElseIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to chown a file to another uid";
  }
  Staged s("good");
  ASSERT_EQ(::chown((s.dir.path() / "good.so").c_str(), 12345, 12345), 0);
  const Registry reg = load_dir(s.dir.path());
  const PluginEntry& e = entry_named(reg, "good.so");
  EXPECT_EQ(e.status, PluginStatus::refused);
  EXPECT_EQ(e.reason,
            "untrusted plugin file " + (s.dir.path() / "good.so").string() +
                " (mode 0755, owner uid 12345): owned by neither root nor the running user "
                "(uid 0) — fix its permissions/owner or set allow_untrusted_plugin_dirs");
  const Registry allowed = load_dir(s.dir.path(), true);
  EXPECT_EQ(entry_named(allowed, "good.so").status, PluginStatus::loaded);
}

TEST(RegistryLoad, SameNameLaterOnTheSearchPathIsShadowed) {
  Staged first("good");
  Staged second("good");
  RegistryOptions options;
  options.search_path = {first.dir.path(), second.dir.path()};
  const Registry reg = Registry::load(options);
  ASSERT_EQ(reg.entries().size(), 2U);
  EXPECT_EQ(reg.entries()[0].status, PluginStatus::loaded);
  EXPECT_EQ(reg.entries()[1].status, PluginStatus::shadowed);
  EXPECT_EQ(reg.entries()[1].reason, "plugin 'good' is already loaded from " +
                                         (first.dir.path() / "good.so").string() +
                                         ", earlier on the search path");
  EXPECT_EQ(reg.entries()[1].plugin, nullptr);
  EXPECT_EQ(reg.find("good"), &reg.entries()[0]);
}

TEST(RegistryLoad, SameNameTwiceInOneDirectoryRefusesTheSecond) {
  Staged s("good");
  fs::copy_file(s.dir.path() / "good.so", s.dir.path() / "good2.so");
  const Registry reg = load_dir(s.dir.path());
  EXPECT_EQ(entry_named(reg, "good.so").status, PluginStatus::loaded);
  EXPECT_EQ(entry_named(reg, "good2.so").status, PluginStatus::refused);
  EXPECT_THAT(entry_named(reg, "good2.so").reason,
              StartsWith("plugin name 'good' is already used by " +
                         (s.dir.path() / "good.so").string() + " in the same directory"));
}

TEST(RegistryLoad, DisabledPluginIsListedButNotUsed) {
  Staged s("good");
  RegistryOptions options;
  options.search_path = {s.dir.path()};
  options.disabled = {"good"};
  const Registry reg = Registry::load(options);
  const PluginEntry& e = entry_named(reg, "good.so");
  EXPECT_EQ(e.status, PluginStatus::disabled);
  EXPECT_EQ(e.reason, "plugin 'good' is disabled by policy");
  EXPECT_EQ(e.name, "good");
  EXPECT_EQ(e.plugin, nullptr);
  EXPECT_EQ(reg.find("good"), nullptr);
  EXPECT_EQ(reg.handler({CapKind::standard, 0x05}), nullptr);
}

TEST(RegistryLoad, DuplicateClaimRefusesTheLaterPlugin) {
  Staged s("claim");
  const Registry reg = load_dir(s.dir.path());
  EXPECT_EQ(entry_named(reg, "alpha.so").status, PluginStatus::loaded);
  const PluginEntry& beta = entry_named(reg, "beta.so");
  EXPECT_EQ(beta.status, PluginStatus::refused);
  EXPECT_EQ(beta.reason, "capability standard:0x09 is already claimed by plugin 'alpha' (" +
                             (s.dir.path() / "alpha.so").string() +
                             ") — choose one in policy: [plugin_winner] \"standard:0x09\" = "
                             "\"beta\" (this plugin) or \"alpha\"");
  EXPECT_EQ(reg.handler({CapKind::standard, 0x09})->name, "alpha");
  EXPECT_EQ(reg.handler({CapKind::extended, 0x000b}), nullptr);
}

TEST(RegistryLoad, PolicyWinnerTakesTheContestedCapability) {
  Staged s("claim");
  RegistryOptions options;
  options.search_path = {s.dir.path()};
  options.winners = {{"standard:0x09", "beta"}};
  const Registry reg = Registry::load(options);
  const PluginEntry& alpha = entry_named(reg, "alpha.so");
  EXPECT_EQ(alpha.status, PluginStatus::refused);
  EXPECT_EQ(alpha.reason, "capability standard:0x09 is given to plugin 'beta' (" +
                              (s.dir.path() / "beta.so").string() +
                              ") by policy [plugin_winner] \"standard:0x09\"");
  EXPECT_EQ(alpha.plugin, nullptr);
  EXPECT_EQ(entry_named(reg, "beta.so").status, PluginStatus::loaded);
  EXPECT_EQ(reg.handler({CapKind::standard, 0x09})->name, "beta");
  EXPECT_EQ(reg.handler({CapKind::extended, 0x000b})->name, "beta");
}

TEST(RegistryLoad, MalformedWinnerKeyIsAnOptionsError) {
  RegistryOptions options;
  options.winners = {{"msi", "beta"}};
  EXPECT_THROW(Registry::load(options), RegistryError);
  try {
    (void)Registry::load(options);
  } catch (const RegistryError& e) {
    EXPECT_THAT(e.what(), HasSubstr("key 'msi' is not a capability key"));
  }
}

TEST(RegistryLoad, MissingDirectoryIsSkippedAndAFileIsRefused) {
  TempDir dir;
  test::write_file(dir.path() / "plain", "x");
  RegistryOptions options;
  options.search_path = {dir.path() / "does-not-exist", dir.path() / "plain"};
  const Registry reg = Registry::load(options);
  ASSERT_EQ(reg.entries().size(), 1U);
  EXPECT_EQ(reg.entries()[0].file, dir.path() / "plain");
  EXPECT_EQ(reg.entries()[0].status, PluginStatus::refused);
  EXPECT_EQ(reg.entries()[0].reason,
            "plugin directory " + (dir.path() / "plain").string() + " is not a directory");
}

TEST(RegistryLoad, StatusNames) {
  EXPECT_EQ(to_string(PluginStatus::loaded), "loaded");
  EXPECT_EQ(to_string(PluginStatus::refused), "refused");
  EXPECT_EQ(to_string(PluginStatus::shadowed), "shadowed");
  EXPECT_EQ(to_string(PluginStatus::disabled), "disabled");
}

TEST(AbiStamp, TextAndFieldByFieldMismatch) {
  const AbiStamp a{1, "gcc", 12, "libstdc++", "0123456789abcdef"};
  EXPECT_EQ(abi_stamp_text(a), "sdk-abi 1, gcc 12, libstdc++, sdk 0123456789abcdef");
  EXPECT_EQ(abi_stamp_mismatch(a, a), "");
  const AbiStamp b{1, "clang", 15, "libc++", "0123456789abcdef"};
  EXPECT_EQ(abi_stamp_mismatch(b, a),
            "compiler plugin clang, host gcc; compiler_major plugin 15, host 12; stdlib plugin "
            "libc++, host libstdc++");
  const AbiStamp c{1, "gcc", 12, "libstdc++", "fedcba9876543210"};
  EXPECT_EQ(abi_stamp_mismatch(c, a), "sdk_hash plugin fedcba9876543210, host 0123456789abcdef");
  EXPECT_EQ(abi_stamp_mismatch(current_abi_stamp(), current_abi_stamp()), "");
}

}  // namespace
}  // namespace capstate::core
