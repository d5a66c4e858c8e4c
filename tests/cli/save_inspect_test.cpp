// Test 4: save -> inspect -> assemble gives a byte-identical file; inspect --json shows the
// envelope and the decoded records; a hand-written minimal TOML assembles.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "minimal_state_toml.hpp"

namespace capstate::clitest {
namespace {

using nlohmann::json;

std::string q35() {
  return data_file("qemu-q35-guest.xxxx.txt");
}

const json& device_at(const json& state, const std::string& address) {
  for (const json& d : state.at("devices")) {
    if (d.at("address") == address) {
      return d;
    }
  }
  throw std::runtime_error("no device " + address + " in the state");
}

const json& record_of(const json& device, const std::string& plugin) {
  for (const json& r : device.at("records")) {
    if (r.at("plugin") == plugin) {
      return r;
    }
  }
  throw std::runtime_error("no record of plugin " + plugin);
}

TEST(SaveInspectAssemble, RoundTripIsByteIdentical) {
  TempDir tmp;
  const std::string state = tmp.file("q35.cst");
  const RunResult saved = run_capstate(tmp, {"save", "--dump", q35(), "-o", state});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const std::uintmax_t size = std::filesystem::file_size(state);
  // 12 devices; 37 records = header on all 12, pcie + msix on the 4 root ports, NIC, NVMe,
  // virtio-net and xHCI, msi on the NIC and the AHCI controller, and pm on the NIC, NVMe and
  // virtio-net (their Power Management capabilities at 0xc8, 0x60 and 0x7c), acs on the 4
  // root ports (ACS at 0x148, capability 0x005f, control 0), and aer on the 4 root ports and the
  // NIC (AER at 0x100).
  EXPECT_EQ(saved.out, "saved 12 devices, 42 records (11 capabilities without a plugin skipped), " +
                           std::to_string(size) + " bytes to " + state + "\n");

  const RunResult toml = run_capstate(tmp, {"inspect", state});
  ASSERT_EQ(toml.exit_code, 0) << toml.err;
  write_text(tmp.file("q35.toml"), toml.out);
  const std::string again = tmp.file("again.cst");
  const RunResult assembled = run_capstate(tmp, {"assemble", tmp.file("q35.toml"), "-o", again});
  ASSERT_EQ(assembled.exit_code, 0) << assembled.err;
  EXPECT_EQ(assembled.out,
            "assembled 12 devices, " + std::to_string(size) + " bytes to " + again + "\n");
  EXPECT_EQ(read_bytes(again), read_bytes(state));
}

TEST(SaveInspectAssemble, JsonSaveSummaryMatchesTheFile) {
  TempDir tmp;
  const std::string state = tmp.file("nvme.cst");
  const RunResult r =
      run_capstate(tmp, {"--json", "save", "--dump", q35(), "-s", "02:00.0", "-o", state});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json summary = json::parse(r.out);
  EXPECT_EQ(summary.at("file"), state);
  EXPECT_EQ(summary.at("devices"), 1);
  EXPECT_EQ(summary.at("records"), 4);               // header, msix, pcie and pm
  EXPECT_EQ(summary.at("skipped_capabilities"), 0);  // every capability has a plugin
  EXPECT_EQ(summary.at("bytes"), std::filesystem::file_size(state));
}

TEST(SaveInspectAssemble, InspectJsonHasEnvelopeAndDecodedRecords) {
  TempDir tmp;
  const std::string state = tmp.file("q35.cst");
  ASSERT_EQ(run_capstate(tmp, {"save", "--dump", q35(), "-o", state}).exit_code, 0);
  const RunResult r = run_capstate(tmp, {"--json", "inspect", state});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  const json& env = s.at("envelope");
  EXPECT_EQ(env.at("envelope_version"), 2);
  EXPECT_EQ(env.at("producer"), "capstate");
  const RunResult version = run_capstate(tmp, {"--version"});
  EXPECT_EQ(version.out, "capstate " + env.at("producer_version").get<std::string>() + "\n");
  EXPECT_TRUE(env.at("created_unix").is_number_integer());
  EXPECT_TRUE(env.at("kernel_release").is_string());
  ASSERT_EQ(s.at("devices").size(), 12U);

  const json& nvme = device_at(s, "0000:02:00.0");
  EXPECT_EQ(nvme.at("vendor_id"), 0x1b36);
  EXPECT_EQ(nvme.at("device_id"), 0x0010);
  EXPECT_EQ(nvme.at("class"), 0x010802);
  ASSERT_EQ(nvme.at("records").size(), 4U);
  // The header: the dump's bytes (Command 0x0107, a 64-bit BAR0 at 0xfde00000, IRQ line 11).
  const json& header = record_of(nvme, "header");
  EXPECT_EQ(header.at("kind"), "header");
  EXPECT_EQ(header.at("offset"), 0);
  EXPECT_EQ(header.at("fields").at("command"), 0x0107);
  EXPECT_EQ(header.at("fields").at("status"), 0x0010);
  EXPECT_EQ(header.at("fields").at("bar0"), 0xfde00004U);
  EXPECT_EQ(header.at("fields").at("bar1"), 0);
  EXPECT_EQ(header.at("fields").at("interrupt_line"), 0x0b);
  EXPECT_EQ(header.at("fields").at("header_type"), 0);
  EXPECT_FALSE(header.at("fields").contains("bus_numbers"));  // a type 1 field
  // Power Management at 0x60: version 3, D0 with No_Soft_Reset.
  const json& pm = record_of(nvme, "pm");
  EXPECT_EQ(pm.at("offset"), 0x60);
  EXPECT_EQ(pm.at("fields"), (json{{"pmc", 0x0003}, {"pmcsr", 0x0008}}));
  const json& pcie = record_of(nvme, "pcie");
  EXPECT_EQ(pcie.at("kind"), "standard");
  EXPECT_EQ(pcie.at("id"), 0x10);
  EXPECT_EQ(pcie.at("offset"), 0x80);
  EXPECT_EQ(pcie.at("schema_version"), 2);
  // An endpoint with a link and no slot: no slot_control and no root_control.
  EXPECT_EQ(pcie.at("fields"), (json{{"device_control", 0},
                                     {"link_control", 0},
                                     {"link_control_aspm", 0},
                                     {"device_control2", 0},
                                     {"link_control2", 0}}));
  const json& msix = record_of(nvme, "msix");
  EXPECT_EQ(msix.at("offset"), 0x40);
  EXPECT_EQ(msix.at("fields"), (json{{"message_control", 0x0040}, {"table_location", 0x2000}}));
  EXPECT_EQ(msix.at("extra"), (json{{"table_saved", 0}, {"entries", 65}}));

  // The root port has a slot: its saved control registers are the dump's bytes.
  const json& port = record_of(device_at(s, "0000:00:01.0"), "pcie");
  EXPECT_EQ(port.at("fields").at("device_control"), 0x000f);
  EXPECT_EQ(port.at("fields").at("slot_control"), 0x01c0);
  EXPECT_EQ(port.at("fields").at("link_control2"), 0x0004);
  EXPECT_EQ(record_of(device_at(s, "0000:00:01.0"), "msix").at("fields").at("message_control"),
            0x8000);
  // Its header is the type 1 form: bus numbers 00/01/01 and the three windows.
  const json& bridge = record_of(device_at(s, "0000:00:01.0"), "header").at("fields");
  EXPECT_EQ(bridge.at("bus_numbers"), 0x00010100);
  EXPECT_EQ(bridge.at("io_base_limit"), 0xc0c0);
  EXPECT_EQ(bridge.at("memory_base_limit"), 0xfe10fe00U);
  EXPECT_EQ(bridge.at("prefetchable_base_limit"), 0xfeb1fea1U);
  EXPECT_EQ(bridge.at("bar0"), 0xfe200000U);
  EXPECT_EQ(bridge.at("command"), 0x0507);
  EXPECT_FALSE(bridge.contains("bar2"));  // a type 0 field
}

TEST(SaveInspectAssemble, HandWrittenMinimalTomlAssembles) {
  TempDir tmp;
  write_text(tmp.file("min.toml"), kMinimalToml);
  const std::string state = tmp.file("min.cst");
  const RunResult r = run_capstate(tmp, {"assemble", tmp.file("min.toml"), "-o", state});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "assembled 1 devices, " + std::to_string(std::filesystem::file_size(state)) +
                       " bytes to " + state + "\n");
  const RunResult back = run_capstate(tmp, {"--json", "inspect", state});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const json s = json::parse(back.out);
  EXPECT_EQ(s.at("envelope").at("created"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(s.at("envelope").at("kernel_release"), "6.1.0");
  const json& pcie = record_of(device_at(s, "0000:02:00.0"), "pcie");
  EXPECT_EQ(pcie.at("fields").at("device_control"), 0x2810);
  EXPECT_EQ(pcie.at("fields").at("link_control"), 0x0040);
  EXPECT_FALSE(pcie.at("fields").contains("slot_control"));
  // TOML printed from it assembles to the same bytes again.
  const RunResult toml = run_capstate(tmp, {"inspect", state});
  write_text(tmp.file("again.toml"), toml.out);
  ASSERT_EQ(run_capstate(tmp, {"assemble", tmp.file("again.toml"), "-o", tmp.file("again.cst")})
                .exit_code,
            0);
  EXPECT_EQ(read_bytes(tmp.file("again.cst")), read_bytes(state));
}

}  // namespace
}  // namespace capstate::clitest
