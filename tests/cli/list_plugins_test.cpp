// Tests 2 and 3: `capstate list` (JSON and text, -s/-d selection, bad selectors) and
// `capstate plugins --json` (the three bundled plugins from the build tree).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

using nlohmann::json;

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
  unsigned id;
  unsigned phase;
  bool needs_bar_access;
};

TEST(PluginsCli, JsonListsTheThreeBuildTreePlugins) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--json", "plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plugins = json::parse(r.out);
  const ExpectedPlugin expected[] = {{"ltr", "extended", 0x18, 100, false},
                                     {"msix", "standard", 0x11, 300, true},
                                     {"pcie", "standard", 0x10, 200, false}};
  ASSERT_EQ(plugins.size(), std::size(expected)) << r.out;
  const std::string dir = std::string(CAPSTATE_BINARY_DIR) + "/lib/capstate/plugins/";
  for (const ExpectedPlugin& e : expected) {
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
    EXPECT_EQ(p->at("current_schema"), 2);
    EXPECT_EQ(p->at("restore_phase"), e.phase);
    EXPECT_EQ(p->at("needs_bar_access"), e.needs_bar_access);
    EXPECT_EQ(p->at("version"), "1.0.0");
    ASSERT_EQ(p->at("capabilities").size(), 1U);
    EXPECT_EQ(p->at("capabilities")[0].at("kind"), e.kind);
    EXPECT_EQ(p->at("capabilities")[0].at("id"), e.id);
  }
}

TEST(PluginsCli, TextFormNamesSchemaWindowAndPhase) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ltr        1.0.0    loaded   extended 0x0018; schema 1..2; phase 100\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("msix       1.0.0    loaded   standard 0x11; schema 1..2; phase 300; "
                       "needs BAR access\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("pcie       1.0.0    loaded   standard 0x10; schema 1..2; phase 200\n"),
            std::string::npos)
      << r.out;
}

TEST(PluginsCli, ExtraPluginDirThatIsEmptyChangesNothing) {
  TempDir tmp;
  const RunResult r = run_capstate(tmp, {"--json", "plugins", "--plugin-dir", tmp.path().string()},
                                   {.env = {"CAPSTATE_PLUGIN_PATH=" + tmp.path().string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 3U) << r.out;
}

}  // namespace
}  // namespace capstate::clitest
