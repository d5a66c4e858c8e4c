// Tests 2 and 3: `capstate list` (JSON and text, -s/-d selection, bad selectors) and
// `capstate plugins` (the bundled plugins from the build tree; exit 1 when one is refused).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

using nlohmann::json;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

struct ListedDevice {
  const char* address;
  unsigned vendor_id;
  unsigned device_id;
  unsigned class_code;
  unsigned revision;
  unsigned header_type;
};

// The devices of tests/data/qemu-q35-guest.xxxx.txt (see tests/data/README.md).
constexpr ListedDevice kQ35[] = {
    {"0000:00:00.0", 0x8086, 0x29c0, 0x060000, 0x00, 0x00},
    {"0000:00:01.0", 0x1b36, 0x000c, 0x060400, 0x00, 0x01},
    {"0000:00:02.0", 0x1b36, 0x000c, 0x060400, 0x00, 0x01},
    {"0000:00:03.0", 0x1b36, 0x000c, 0x060400, 0x00, 0x01},
    {"0000:00:04.0", 0x1b36, 0x000c, 0x060400, 0x00, 0x01},
    {"0000:00:1f.0", 0x8086, 0x2918, 0x060100, 0x02, 0x80},
    {"0000:00:1f.2", 0x8086, 0x2922, 0x010601, 0x02, 0x80},
    {"0000:00:1f.3", 0x8086, 0x2930, 0x0c0500, 0x02, 0x80},
    {"0000:01:00.0", 0x8086, 0x10d3, 0x020000, 0x00, 0x00},
    {"0000:02:00.0", 0x1b36, 0x0010, 0x010802, 0x02, 0x00},
    {"0000:03:00.0", 0x1af4, 0x1041, 0x020000, 0x01, 0x00},
    {"0000:04:00.0", 0x1b36, 0x000d, 0x0c0330, 0x01, 0x00},
};

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

std::vector<std::string> addresses(const std::string& text_output) {
  std::vector<std::string> out;
  for (const std::string& line : lines_of(text_output)) {
    out.push_back(line.substr(0, line.find(' ')));
  }
  return out;
}

TEST(ListCli, JsonHasEveryQ35DeviceWithExactIds) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--json", "list", "--dump", q35()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json devices = json::parse(r.out);
  ASSERT_EQ(devices.size(), std::size(kQ35));
  for (std::size_t i = 0; i < std::size(kQ35); ++i) {
    const json& d = devices[i];
    SCOPED_TRACE(kQ35[i].address);
    EXPECT_EQ(d.at("address"), kQ35[i].address);
    ASSERT_TRUE(d.at("vendor_id").is_number_unsigned());
    EXPECT_EQ(d.at("vendor_id"), kQ35[i].vendor_id);
    EXPECT_EQ(d.at("device_id"), kQ35[i].device_id);
    EXPECT_EQ(d.at("class"), kQ35[i].class_code);
    EXPECT_EQ(d.at("revision"), kQ35[i].revision);
    EXPECT_EQ(d.at("header_type"), kQ35[i].header_type);
  }
  // The NVMe's subsystem IDs (bytes 0x2c..0x2f: f4 1a 00 11).
  EXPECT_EQ(devices[9].at("subsystem_vendor_id"), 0x1af4);
  EXPECT_EQ(devices[9].at("subsystem_id"), 0x1100);
}

TEST(ListCli, TextFormOneLinePerDevice) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", q35()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), std::size(kQ35));
  EXPECT_EQ(lines[0], "0000:00:00.0 8086:29c0 class 060000 rev 00");
  EXPECT_EQ(lines[1], "0000:00:01.0 1b36:000c class 060400 rev 00");
  EXPECT_EQ(lines[8], "0000:01:00.0 8086:10d3 class 020000 rev 00");
  EXPECT_EQ(lines[9], "0000:02:00.0 1b36:0010 class 010802 rev 02");
  EXPECT_EQ(lines[11], "0000:04:00.0 1b36:000d class 0c0330 rev 01");
  EXPECT_EQ(r.err, "");
}

TEST(ListCli, VendorSelectionPicksTheRedHatDevicesOnly) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", q35(), "-d", "1b36:"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(addresses(r.out),
            (std::vector<std::string>{"0000:00:01.0", "0000:00:02.0", "0000:00:03.0",
                                      "0000:00:04.0", "0000:02:00.0", "0000:04:00.0"}));
}

TEST(ListCli, DeviceIdSelection) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", q35(), "-d", ":000c"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(addresses(r.out), (std::vector<std::string>{"0000:00:01.0", "0000:00:02.0",
                                                        "0000:00:03.0", "0000:00:04.0"}));
}

TEST(ListCli, SlotSelectionPicksTheNvmeOnly) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", q35(), "-s", "02:00.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0000:02:00.0 1b36:0010 class 010802 rev 02\n");
}

TEST(ListCli, RepeatedSlotsAndCombinedFilter) {
  TempDir tmp;
  RunResult r = run_capstate(tmp, {"list", "--dump", q35(), "-s", "02:00.0", "-s", "00:1f"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(addresses(r.out), (std::vector<std::string>{"0000:00:1f.0", "0000:00:1f.2",
                                                        "0000:00:1f.3", "0000:02:00.0"}));
  r = run_capstate(tmp, {"list", "--dump", q35(), "-s", "00:", "-d", "8086:"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(addresses(r.out), (std::vector<std::string>{"0000:00:00.0", "0000:00:1f.0",
                                                        "0000:00:1f.2", "0000:00:1f.3"}));
}

TEST(ListCli, SelectionMatchingNothingPrintsNothing) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--json", "list", "--dump", q35(), "-d", "10de:"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::array());
}

TEST(ListCli, BadSlotIsAFailureNamingTheText) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", q35(), "-s", "zz:00.0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("invalid slot \"zz:00.0\": bus \"zz\" is not a hexadecimal number"),
            std::string::npos)
      << r.err;
}

TEST(ListCli, BadIdFilterIsAFailureNamingTheText) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", q35(), "-d", "xyz:"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("invalid ID filter \"xyz:\": vendor \"xyz\" is not a hexadecimal number"),
            std::string::npos)
      << r.err;
}

TEST(ListCli, MicrovmDumpWithoutDomainsReadsAsDomainZero) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"list", "--dump", data_file("microvm-host.xxxx.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& a : addresses(r.out)) {
    EXPECT_EQ(a.rfind("0000:00:", 0), 0U) << a;
  }
  EXPECT_EQ(addresses(r.out).size(), 6U) << r.out;
}

struct ExpectedPlugin {
  const char* name;
  const char* kind;
  unsigned id;  // of the first claim
  unsigned phase;
  bool needs_bar_access;
  const char* version;
  unsigned current_schema;
  unsigned claims = 1;
};

// Every plugin the build tree bundles, by name.
const ExpectedPlugin kBundled[] = {{"acs", "extended", 0x0d, 400, false, "1.0.0", 1},
                                   {"aer", "extended", 0x01, 247, false, "1.0.0", 1},
                                   {"ats", "extended", 0x0f, 220, false, "1.0.0", 1},
                                   {"dpc", "extended", 0x1d, 238, false, "1.0.0", 1},
                                   {"header", "header", 0x00, 250, false, "1.0.0", 1},
                                   {"l1ss", "extended", 0x1e, 150, false, "1.0.0", 1},
                                   {"ltr", "extended", 0x18, 100, false, "1.0.0", 2},
                                   {"msi", "standard", 0x05, 300, false, "1.0.0", 1},
                                   {"msix", "standard", 0x11, 300, true, "1.1.0", 2},
                                   {"pasid", "extended", 0x1b, 210, false, "1.0.0", 1},
                                   {"pcie", "standard", 0x10, 200, false, "1.0.0", 2},
                                   {"pcix", "standard", 0x07, 270, false, "1.0.0", 1},
                                   {"pm", "standard", 0x01, 50, false, "1.0.0", 1},
                                   {"pri", "extended", 0x13, 215, false, "1.0.0", 1},
                                   {"ptm", "extended", 0x1f, 241, false, "1.0.0", 1},
                                   {"rebar", "extended", 0x15, 235, false, "1.0.0", 1},
                                   {"sriov", "extended", 0x10, 450, false, "1.0.0", 1},
                                   {"tph", "extended", 0x17, 244, false, "1.0.0", 1},
                                   {"vc", "extended", 0x02, 230, false, "1.0.0", 1, 3}};

TEST(PluginsCli, JsonListsTheBuildTreePlugins) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--json", "plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plugins = json::parse(r.out);
  ASSERT_EQ(plugins.size(), std::size(kBundled)) << r.out;
  const std::string dir = std::string(CAPSTATE_BINARY_DIR) + "/lib/capstate/plugins/";
  for (const ExpectedPlugin& e : kBundled) {
    SCOPED_TRACE(e.name);
    const json* p = nullptr;
    for (const json& candidate : plugins) {
      p = candidate.at("name") == e.name ? &candidate : p;
    }
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->at("file"), dir + e.name + ".so");
    EXPECT_EQ(p->at("status"), "loaded");
    EXPECT_EQ(p->at("reason"), "");
    EXPECT_EQ(p->at("oldest_schema"), 1);
    EXPECT_EQ(p->at("current_schema"), e.current_schema);
    EXPECT_EQ(p->at("restore_phase"), e.phase);
    EXPECT_EQ(p->at("needs_bar_access"), e.needs_bar_access);
    EXPECT_EQ(p->at("version"), e.version);
    ASSERT_EQ(p->at("capabilities").size(), e.claims);
    EXPECT_EQ(p->at("capabilities")[0].at("kind"), e.kind);
    EXPECT_EQ(p->at("capabilities")[0].at("id"), e.id);
  }
}

TEST(PluginsCli, TextFormNamesSchemaWindowAndPhase) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("header     1.0.0    loaded   header; schema 1..1; phase 250\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ltr        1.0.0    loaded   extended 0x0018; schema 1..2; phase 100\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("msi        1.0.0    loaded   standard 0x05; schema 1..1; phase 300\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("msix       1.1.0    loaded   standard 0x11; schema 1..2; phase 300; "
                       "needs BAR access\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("pcie       1.0.0    loaded   standard 0x10; schema 1..2; phase 200\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("pm         1.0.0    loaded   standard 0x01; schema 1..1; phase 50\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("acs        1.0.0    loaded   extended 0x000d; schema 1..1; phase 400\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dpc        1.0.0    loaded   extended 0x001d; schema 1..1; phase 238\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ptm        1.0.0    loaded   extended 0x001f; schema 1..1; phase 241\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("pcix       1.0.0    loaded   standard 0x07; schema 1..1; phase 270\n"),
            std::string::npos)
      << r.out;
}

TEST(PluginsCli, ExtraPluginDirThatIsEmptyChangesNothing) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--json", "plugins", "--plugin-dir", tmp.path().string()},
                                   {.env = {"CAPSTATE_PLUGIN_PATH=" + tmp.path().string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), std::size(kBundled)) << r.out;
}

// A fresh directory `name` in `tmp` (mode 0755) holding copies of the .so files of `from` (mode
// 0755): trusted by the registry whatever the umask.
std::string copy_plugins(const TempDir& tmp, const fs::path& from, const std::string& name) {
  const fs::path dir = tmp.path() / name;
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0755);
  for (const fs::directory_entry& e : fs::directory_iterator(from)) {
    if (e.path().extension() == ".so") {
      fs::copy_file(e.path(), dir / e.path().filename());
      ::chmod((dir / e.path().filename()).c_str(), 0755);
    }
  }
  return dir.string();
}

// A trusted directory in `tmp` with one file `junk.so` that is not a shared library.
std::string junk_plugin_dir(const TempDir& tmp) {
  const fs::path dir = tmp.path() / "junk";
  write_text(dir / "junk.so", "not a shared library\n");
  ::chmod(dir.c_str(), 0755);
  ::chmod((dir / "junk.so").c_str(), 0644);
  return dir.string();
}

TEST(PluginsCli, RefusedPluginFailsButTheWholeListIsPrinted) {
  TempDir tmp;
  const std::string dir = junk_plugin_dir(tmp);
  const RunResult r = run_capstate(tmp, {"plugins", "--plugin-dir", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("?          -        refused \n           file: " + dir +
                               "/junk.so\n           reason: "));
  EXPECT_THAT(r.out, HasSubstr("    loaded   extended 0x0018; "));
  EXPECT_THAT(r.out, HasSubstr("    loaded   standard 0x11; "));
  EXPECT_THAT(r.out, HasSubstr("    loaded   standard 0x10; "));
  EXPECT_THAT(r.err, EndsWith("\ncapstate plugins: 1 plugin refused (see 'reason' above)\n"));
}

TEST(PluginsCli, RefusedPluginFailsTheJsonListToo) {
  TempDir tmp;
  const std::string dir = junk_plugin_dir(tmp);
  const RunResult r = run_capstate(tmp, {"--json", "plugins", "--plugin-dir", dir});
  EXPECT_EQ(r.exit_code, 1);
  const json plugins = json::parse(r.out);  // the list, not an error object
  ASSERT_TRUE(plugins.is_array()) << r.out;
  ASSERT_EQ(plugins.size(), std::size(kBundled) + 1) << r.out;  // junk.so and the bundled ones
  EXPECT_EQ(plugins[0].at("file"), dir + "/junk.so");
  EXPECT_EQ(plugins[0].at("status"), "refused");
  EXPECT_NE(plugins[0].at("reason"), "");
  for (std::size_t i = 1; i < plugins.size(); ++i) {
    EXPECT_EQ(plugins[i].at("status"), "loaded") << plugins[i];
  }
  EXPECT_THAT(r.err, EndsWith("capstate plugins: 1 plugin refused (see 'reason' above)\n"));
}

TEST(PluginsCli, RefusalsAreCounted) {
  TempDir tmp;
  const std::string dir = junk_plugin_dir(tmp);
  write_text(fs::path(dir) / "other.so", "not one either\n");
  ::chmod((fs::path(dir) / "other.so").c_str(), 0644);
  const RunResult r = run_capstate(tmp, {"plugins", "--plugin-dir", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, EndsWith("capstate plugins: 2 plugins refused (see 'reason' above)\n"));
}

TEST(PluginsCli, ShadowedAndDisabledPluginsAreNoFailure) {
  TempDir tmp;
  const std::string dir =
      copy_plugins(tmp, fs::path(CAPSTATE_BINARY_DIR) / "lib/capstate/plugins", "copies");
  const std::string policy = tmp.file("policy.toml");
  write_text(policy, "disabled_plugins = [\"msix\"]\n");
  const RunResult r = run_capstate(tmp, {"--json", "--config-root", tmp.path().string(), "--config",
                                         policy, "plugins", "--plugin-dir", dir});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"shadowed\""));
  EXPECT_THAT(r.out, HasSubstr("\"disabled\""));
  EXPECT_THAT(r.out, Not(HasSubstr("\"refused\"")));
  EXPECT_THAT(r.err, Not(HasSubstr("refused")));
}

// Two plugins claiming one capability: the loser is refused, and its reason names the real
// policy key, [plugin_winner]; that key, put in a policy file, hands the capability over.
TEST(PluginsCli, RivalClaimNamesThePluginWinnerTableThatSettlesIt) {
  TempDir tmp;
  const std::string dir =
      copy_plugins(tmp, fs::path(CAPSTATE_BINARY_DIR) / "test-plugins/claim", "claim");
  const std::vector<std::string> isolated{"--config-root", tmp.path().string()};
  std::vector<std::string> args = isolated;
  args.insert(args.end(), {"plugins", "--plugin-dir", dir});
  RunResult r = run_capstate(tmp, args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("beta       1.2.3    refused \n           file: " + dir +
                               "/beta.so\n           reason: capability standard:0x09 is "
                               "already claimed by plugin 'alpha' (" +
                               dir +
                               "/alpha.so) — choose one in policy: [plugin_winner] "
                               "\"standard:0x09\" = \"beta\" (this plugin) or \"alpha\"\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("winners[")));
  EXPECT_THAT(r.err, EndsWith("capstate plugins: 1 plugin refused (see 'reason' above)\n"));

  const std::string policy = tmp.file("policy.toml");
  write_text(policy, "[plugin_winner]\n\"standard:0x09\" = \"beta\"\n");
  args = isolated;
  args.insert(args.end(), {"--config", policy, "--json", "plugins", "--plugin-dir", dir});
  r = run_capstate(tmp, args);
  EXPECT_EQ(r.exit_code, 1);
  const json plugins = json::parse(r.out);
  bool saw_alpha = false;
  for (const json& p : plugins) {
    if (p.at("name") == "alpha") {
      saw_alpha = true;
      EXPECT_EQ(p.at("status"), "refused");
      EXPECT_EQ(p.at("reason"), "capability standard:0x09 is given to plugin 'beta' (" + dir +
                                    "/beta.so) by policy [plugin_winner] \"standard:0x09\"");
    } else if (p.at("name") == "beta") {
      EXPECT_EQ(p.at("status"), "loaded") << p;
    }
  }
  EXPECT_TRUE(saw_alpha) << r.out;
}

}  // namespace
}  // namespace capstate::clitest
