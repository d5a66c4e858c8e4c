// Test 1: `capstate --json discover --dump FILE` lists the same capabilities as `lspci -F FILE -vv`
// for every device of every bundled dump.
#include <gtest/gtest.h>

#include <cctype>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "support/lspci_oracle.hpp"

namespace capstate::clitest {
namespace {

using nlohmann::json;

// The address lspci prints for a dump without domains ("0000:00:1f.2" -> "00:1f.2").
std::string lspci_address(const std::string& address) {
  return address.rfind("0000:", 0) == 0 ? address.substr(5) : address;
}

Capability capability_from_json(const json& c) {
  EXPECT_TRUE(c.at("id").is_number_unsigned()) << c.dump();
  EXPECT_TRUE(c.at("offset").is_number_unsigned()) << c.dump();
  EXPECT_TRUE(c.at("version").is_number_unsigned()) << c.dump();
  Capability cap;
  const std::string kind = c.at("kind").get<std::string>();
  EXPECT_TRUE(kind == "standard" || kind == "extended") << kind;
  cap.kind = kind == "standard" ? CapKind::standard : CapKind::extended;
  cap.id = c.at("id").get<std::uint16_t>();
  cap.offset = c.at("offset").get<std::uint16_t>();
  cap.version = c.at("version").get<std::uint8_t>();
  return cap;
}

class DiscoverOracle : public ::testing::TestWithParam<const char*> {};

TEST_P(DiscoverOracle, SameCapabilitiesAsLspci) {
  ASSERT_TRUE(have_lspci()) << "lspci not found: install pciutils (apt-get install pciutils)";
  TempDir tmp;
  const std::string dump = data_file(GetParam());
  const RunResult r = run_capstate(tmp, {"--json", "discover", "--dump", dump});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json devices = json::parse(r.out);
  const test::LspciDevices oracle = test::parse_lspci_vv(run_lspci(dump, "-vv"));
  const std::vector<test::DumpDevice> raw = test::parse_lspci_dump(dump);
  ASSERT_TRUE(devices.is_array());
  ASSERT_EQ(devices.size(), oracle.size());
  ASSERT_EQ(devices.size(), raw.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const json& d = devices[i];
    const std::string address = d.at("address").get<std::string>();
    SCOPED_TRACE(address);
    ASSERT_EQ(lspci_address(address), raw[i].address);  // same devices, same order
    ASSERT_TRUE(d.at("vendor_id").is_number_unsigned());
    ASSERT_TRUE(d.at("device_id").is_number_unsigned());
    EXPECT_EQ(d.at("vendor_id").get<unsigned>(), raw[i].bytes[0] | raw[i].bytes[1] << 8);
    EXPECT_EQ(d.at("device_id").get<unsigned>(), raw[i].bytes[2] | raw[i].bytes[3] << 8);
    const auto expected = oracle.find(lspci_address(address));
    ASSERT_NE(expected, oracle.end()) << "lspci printed no device " << address;
    std::vector<Capability> found;
    for (const json& c : d.at("capabilities")) {
      found.push_back(capability_from_json(c));
    }
    EXPECT_EQ(test::compare_with_lspci(found, expected->second), "");
    total += found.size();
  }
  EXPECT_GT(total, 0U);
}

INSTANTIATE_TEST_SUITE_P(BundledDumps, DiscoverOracle,
                         ::testing::Values("qemu-q35-guest.xxxx.txt", "microvm-host.xxxx.txt",
                                           "ltr/ltr-endpoint.xxxx.txt"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;  // e.g. "qemu_q35_guest_xxxx_txt"
                           for (char& c : name) {
                             c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
                           }
                           return name;
                         });

// The LTR capability of the hand-built endpoint, exactly as its README documents it.
TEST(DiscoverCli, LtrEndpointShowsLtrAt0x148WithItsPlugin) {
  TempDir tmp;
  const RunResult r =
      run_capstate(tmp, {"--json", "discover", "--dump", data_file("ltr/ltr-endpoint.xxxx.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json devices = json::parse(r.out);
  ASSERT_EQ(devices.size(), 1U);
  const json* ltr = nullptr;
  for (const json& c : devices[0].at("capabilities")) {
    if (c.at("kind") == "extended" && c.at("id") == 0x18) {
      ltr = &c;
    }
  }
  ASSERT_NE(ltr, nullptr) << r.out;
  EXPECT_EQ(ltr->at("offset"), 0x148);
  EXPECT_EQ(ltr->at("version"), 1);
  EXPECT_EQ(ltr->at("plugin"), "ltr");
}

// Text form: one device line, then one line per capability (the header first) with its handling
// plugin.
TEST(DiscoverCli, TextFormOfTheNvme) {
  TempDir tmp;
  const RunResult r = run_capstate(
      tmp, {"discover", "--dump", data_file("qemu-q35-guest.xxxx.txt"), "-s", "02:00.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  // The header first (every device has one), then the capabilities in list order.
  ASSERT_EQ(lines.size(), 5U) << r.out;
  EXPECT_EQ(lines[0], "0000:02:00.0 1b36:0010");
  EXPECT_EQ(lines[1].rfind("  [000] header", 0), 0U) << lines[1];
  EXPECT_NE(lines[1].find("(plugin header)"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].rfind("  [040] standard 0x11", 0), 0U) << lines[2];
  EXPECT_NE(lines[2].find("(plugin msix)"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3].rfind("  [080] standard 0x10", 0), 0U) << lines[3];
  EXPECT_NE(lines[3].find("(plugin pcie)"), std::string::npos) << lines[3];
  EXPECT_EQ(lines[4].rfind("  [060] standard 0x01", 0), 0U) << lines[4];
  EXPECT_NE(lines[4].find("(plugin pm)"), std::string::npos) << lines[4];
}

}  // namespace
}  // namespace capstate::clitest
