// Issue 20, coverage: every capability of every bundled dump is either taken by a plugin or marked
// in data/capability-stateless.toml as holding no state, with a reason. `capstate --json discover`
// says both ("plugin", "stateless"); a capability with neither fails the dump's test, listed with
// its device, list, ID and name.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace capstate::clitest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CoverageDump {
  std::string label;  ///< path relative to its data directory, "shared/" in front for shared ones
  std::string path;
};

// gtest prints a parameter of a failed test with this.
void PrintTo(const CoverageDump& dump, std::ostream* os) {
  *os << dump.label;
}

// Every dump in tests/data, then those of the project's shared capture directory
// (<source>/../shared/data) that tests/data does not already hold. That directory exists only on
// the development machines, not in CI's clean clone; on 2026-12-02 `diff -r` found every one of
// its dumps (real/*, qemu-q35-guest, microvm-host) copied unchanged into tests/data, so there it
// adds no dump. A dump counts as already held when its text is byte for byte the same.
std::vector<CoverageDump> coverage_dumps() {
  std::vector<CoverageDump> out;
  std::set<std::string> held;
  const fs::path tests_data = CAPSTATE_TEST_DATA_DIR;
  for (const fs::path& p : dumps_under(tests_data)) {
    out.push_back({p.lexically_relative(tests_data).string(), p.string()});
    held.insert(read_text(p));
  }
  const fs::path shared = fs::path(CAPSTATE_SOURCE_DIR) / ".." / "shared" / "data";
  for (const fs::path& p : dumps_under(shared)) {
    if (held.insert(read_text(p)).second) {
      out.push_back({"shared/" + p.lexically_relative(shared).string(), p.string()});
    }
  }
  return out;
}

// `capstate --json discover --dump FILE` with the build tree's data files (CAPSTATE_DATA_DIR
// unset, so <bin>/../share/capstate holds both).
json discover(const TempDir& tmp, const std::string& dump, std::vector<std::string> env = {}) {
  RunOptions options{.env = std::move(env)};
  if (options.env.empty()) {
    options.unset_env.push_back("CAPSTATE_DATA_DIR");
  }
  const RunResult r = run_capstate(tmp, {"--json", "discover", "--dump", dump}, options);
  EXPECT_EQ(r.exit_code, 0) << dump << ": " << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json::array();
}

class CapabilityCoverage : public ::testing::TestWithParam<CoverageDump> {};

TEST_P(CapabilityCoverage, EveryCapabilityHasAPluginOrAStatelessMark) {
  const CoverageDump& dump = GetParam();
  TempDir tmp;
  const json devices = discover(tmp, dump.path);
  ASSERT_TRUE(devices.is_array());
  ASSERT_FALSE(devices.empty()) << dump.label;
  std::vector<std::string> uncovered;
  std::size_t capabilities = 0;
  for (const json& d : devices) {
    for (const json& c : d.at("capabilities")) {
      ++capabilities;
      const json& plugin = c.at("plugin");
      const json& stateless = c.at("stateless");
      ASSERT_TRUE(plugin.is_null() || plugin.is_string()) << c.dump();
      ASSERT_TRUE(stateless.is_null() || stateless.is_string()) << c.dump();
      // A mark is shown only for a capability no plugin takes: the plugin wins.
      EXPECT_TRUE(plugin.is_null() || stateless.is_null()) << c.dump();
      if (stateless.is_string()) {
        EXPECT_FALSE(stateless.get<std::string>().empty()) << c.dump();
      }
      if (plugin.is_null() && stateless.is_null()) {
        const bool standard = c.at("kind") == "standard";
        uncovered.push_back(fmt::format(
            "{} {} [{:03x}] {} 0x{:0{}x} {}", dump.label, d.at("address").get<std::string>(),
            c.at("offset").get<unsigned>(), c.at("kind").get<std::string>(),
            c.at("id").get<unsigned>(), standard ? 2 : 4, c.at("name").get<std::string>()));
      }
    }
  }
  EXPECT_GT(capabilities, 0U) << dump.label;
  std::string list;
  for (const std::string& u : uncovered) {
    list += "\n  " + u;
  }
  EXPECT_TRUE(uncovered.empty())
      << dump.label << ": " << uncovered.size()
      << " capabilities have neither a plugin nor a mark in data/capability-stateless.toml "
         "(dump, device, offset, list, ID, name):"
      << list;
}

INSTANTIATE_TEST_SUITE_P(BundledDumps, CapabilityCoverage, ::testing::ValuesIn(coverage_dumps()),
                         [](const ::testing::TestParamInfo<CoverageDump>& info) {
                           return test_name_for(info.param.label);
                         });

// The suite above really runs over the bundled dumps: the 17 real devices, the two QEMU guests
// and the hand-built LTR endpoint.
TEST(CapabilityCoverageDumps, EveryBundledDumpIsCovered) {
  const std::vector<CoverageDump> dumps = coverage_dumps();
  std::set<std::string> labels;
  for (const CoverageDump& d : dumps) {
    labels.insert(d.label);
  }
  EXPECT_GE(dumps.size(), 20U);
  EXPECT_EQ(dumps_under(fs::path(CAPSTATE_TEST_DATA_DIR) / "real").size(), 17U);
  for (const char* label : {"qemu-q35-guest.xxxx.txt", "microvm-host.xxxx.txt",
                            "ltr/ltr-endpoint.xxxx.txt", "real/toshiba-nvme-ssd-l1ss-ltr.xxxx.txt",
                            "real/xilinx-cxl-memory-device-dvsec-dlf.xxxx.txt"}) {
    EXPECT_EQ(labels.count(label), 1U) << label;
  }
}

// Text form: a capability no plugin takes shows its mark's reason; one a plugin takes shows the
// plugin. (I350: VPD at 0xe0, the serial number at 0x140, ARI at 0x150.)
TEST(DiscoverStateless, TextFormShowsTheReasonOfAMarkedCapability) {
  TempDir tmp;
  const RunResult r =
      run_capstate(tmp, {"discover", "--dump", data_file("real/intel-i350-gbe-sriov-tph.xxxx.txt")},
                   {.unset_env = {"CAPSTATE_DATA_DIR"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  auto line_at = [&](const std::string& prefix) {
    for (const std::string& l : lines) {
      if (l.rfind(prefix, 0) == 0) {
        return l;
      }
    }
    return std::string("no line starts with '" + prefix + "' in:\n" + r.out);
  };
  EXPECT_EQ(line_at("  [140]"),
            "  [140] extended 0x0003 v1  Device Serial Number  (stateless: read-only "
            "identification: the device's 64-bit serial number)");
  EXPECT_EQ(line_at("  [0e0]"),
            "  [0e0] standard 0x03       Vital Product Data  (stateless: a window onto the "
            "device's non-volatile VPD storage: each access is a transfer, not a setting)");
  EXPECT_EQ(line_at("  [0a0]"), "  [0a0] standard 0x10       PCI Express  (plugin pcie)");
}

// CAPSTATE_DATA_DIR overrides the shipped marks; a mark for a capability a plugin takes is not
// shown (the plugin wins).
TEST(DiscoverStateless, DataDirMarksAreShownOnlyForCapabilitiesWithoutAPlugin) {
  TempDir tmp;
  write_text(tmp / "data/capability-stateless.toml",
             "[standard]\n\"0x10\" = \"not shown: pcie takes it\"\n"
             "[extended]\n\"0x0003\" = \"site reason\"\n");
  const json devices = discover(tmp, data_file("real/intel-i350-gbe-sriov-tph.xxxx.txt"),
                                {"CAPSTATE_DATA_DIR=" + tmp.file("data")});
  ASSERT_EQ(devices.size(), 1U);
  std::size_t checked = 0;
  for (const json& c : devices[0].at("capabilities")) {
    if (c.at("kind") == "extended" && c.at("id") == 0x0003) {
      EXPECT_EQ(c.at("stateless"), "site reason");
      EXPECT_EQ(c.at("name"), "Device Serial Number");  // names still from the build tree
      ++checked;
    } else if (c.at("kind") == "standard" && c.at("id") == 0x10) {
      EXPECT_EQ(c.at("plugin"), "pcie");
      EXPECT_TRUE(c.at("stateless").is_null()) << c.dump();
      ++checked;
    } else if (c.at("kind") == "standard" && c.at("id") == 0x03) {
      // The site file does not mark VPD.
      EXPECT_TRUE(c.at("stateless").is_null()) << c.dump();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3U);
  EXPECT_TRUE(devices[0].at("header").at("stateless").is_null());
}

TEST(DiscoverStateless, MalformedMarksFileFailsNamingFileLineAndColumn) {
  TempDir tmp;
  write_text(tmp / "data/capability-stateless.toml", "[extended]\n\"0x0003\" = 3\n");
  const RunResult r =
      run_capstate(tmp, {"discover", "--dump", data_file("qemu-q35-guest.xxxx.txt")},
                   {.env = {"CAPSTATE_DATA_DIR=" + tmp.file("data")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(tmp.file("data/capability-stateless.toml") +
                       ":2:12: the reason of extended capability '0x0003' must be a non-empty "
                       "string"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace capstate::clitest
