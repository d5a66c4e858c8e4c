// Tests of the aer plugin: the saved registers of real root ports, switch ports and endpoints
// checked against their lspci twins; the write order after a reset; status bits never written
// unless policy asks for the clear, which then writes back exactly the set bits; the
// capabilities must-match and the option checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "aer_layout.hpp"
#include "aer_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::aer {
namespace {

using plugintest::disturbed_bits;
using plugintest::get;
using plugintest::put;
using plugintest::WriteObserver;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::IsEmpty;
using ::testing::StrictMock;

std::vector<std::string> saved_aer(const std::string& dump) {
  return plugintest::saved_fields(AerPlugin{}, dump, CapKind::extended, kCapabilityId);
}

TEST(AerLayout, Validates) {
  AerPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Cannon Point root port, AER at 0x100: "UEMsk: ... UnxCmplt+", "UESvrt: DLP+ ... RxOF+ MalfTLP+",
// "CEMsk: ... AdvNonFatalErr+", "AERCap: First Error Pointer: 00, ECRCGenCap- ...",
// "RootCmd: CERptEn+ NFERptEn+ FERptEn+".
TEST(AerRealDumps, CannonPointRootPortHasRootCommand) {
  EXPECT_THAT(saved_aer("intel-cannonpoint-lp-pcie-root-port-dpc-ptm.xxxx.txt"),
              ElementsAre("uncorrectable_status=0x0", "uncorrectable_mask=0x10000",
                          "uncorrectable_severity=0x60011", "correctable_status=0x0",
                          "correctable_mask=0x2000", "capabilities_control=0x0", "root_command=0x7",
                          "root_status=0x0"));
}

// PLX PEX8532 downstream port, AER at 0xfb4: "UESta: ... UnsupReq+", "UESvrt: DLP+ ... FCP-
// ... RxOF+ MalfTLP+", "AERCap: First Error Pointer: 1f, ECRCGenCap+ ECRCGenEn- ECRCChkCap+
// ECRCChkEn-". A switch port has no root registers (they read all ones in this dump).
TEST(AerRealDumps, SwitchPortWithAnUnsupportedRequestLogged) {
  EXPECT_THAT(saved_aer("plx-pex8532-switch-downstream-port-slot.xxxx.txt"),
              ElementsAre("uncorrectable_status=0x100000", "uncorrectable_mask=0x0",
                          "uncorrectable_severity=0x62011", "correctable_status=0x0",
                          "correctable_mask=0x0", "capabilities_control=0xbf", "root_command=0x0",
                          "root_status=0x0"));
}

// Toshiba NVMe endpoint, AER v2 at 0x100: "UEMsk: ... UnsupReq-" with bit 22 (Uncorrectable
// Internal Error, which lspci does not name) set, "UESvrt: DLP+ SDES- TLP- FCP+ ... RxOF+
// MalfTLP+" with bit 22 too, "CEMsk: ... AdvNonFatalErr+"; no root registers (absent: 0).
TEST(AerRealDumps, EndpointHasNoRootRegisters) {
  EXPECT_THAT(saved_aer("toshiba-nvme-ssd-l1ss-ltr.xxxx.txt"),
              ElementsAre("uncorrectable_status=0x0", "uncorrectable_mask=0x400000",
                          "uncorrectable_severity=0x462010", "correctable_status=0x0",
                          "correctable_mask=0x2000", "capabilities_control=0x0", "root_command=0x0",
                          "root_status=0x0"));
}

constexpr core::PciAddress kAddress{0, 0x1c, 0, 0};
constexpr std::uint16_t kAer = 0x100;
// ECRC generation and check capable, multiple header recording capable.
constexpr std::uint32_t kCapable = 0x000002a0;
// The spec's reset values of the uncorrectable severity register.
constexpr std::uint32_t kResetSeverity = 0x00462030;

struct Registers {
  std::uint32_t uncorrectable_status = 0;
  std::uint32_t uncorrectable_mask = 0;
  std::uint32_t severity = kResetSeverity;
  std::uint32_t correctable_status = 0;
  std::uint32_t correctable_mask = 0;
  std::uint32_t control = kCapable;
  std::uint32_t root_command = 0;
  std::uint32_t root_status = 0;
};

// A root port (type 1 header, class 0x0604) with AER at 0x100, last in the list.
plugintest::ModelImage root_port(const Registers& r) {
  plugintest::ModelImage m{plugintest::extended_capability_model({.ids = 0x9dbc8086,
                                                                  .class_rev = 0x060400f0,
                                                                  .header_type = 0x01,
                                                                  .at = kAer,
                                                                  .id = 0x0001}),
                           std::vector<std::uint8_t>(kExtendedSize, 0),
                           std::vector<std::uint8_t>(kExtendedSize, 0)};
  put(m.config, 0x06, 0x0010, 2);  // a capability list
  put(m.config, 0x34, 0x40, 1);
  put(m.config, 0x40, 0x0010, 2);  // PCI Express capability, last in the list
  put(m.config, 0x42, 0x0042, 2);  // version 2, Root Port (type 4)
  const std::uint32_t values[] = {r.uncorrectable_status, r.uncorrectable_mask, r.severity,
                                  r.correctable_status,   r.correctable_mask,   r.control};
  for (unsigned i = 0; i < 6; ++i) {
    put(m.config, kAer + 4 + 4 * i, values[i], 4);
  }
  put(m.config, kAer + 0x2c, r.root_command, 4);
  put(m.config, kAer + 0x30, r.root_status, 4);
  for (const std::uint16_t at : {0x08, 0x0c, 0x14}) {
    put(m.writable, kAer + at, 0xffffffff, 4);
  }
  put(m.writable, kAer + 0x18, kControlWritable, 4);
  put(m.writable, kAer + 0x2c, kRootCommandWritable, 4);
  put(m.w1c, kAer + 0x04, 0xffffffff, 4);
  put(m.w1c, kAer + 0x10, 0xffffffff, 4);
  put(m.w1c, kAer + 0x30, kRootStatusW1c, 4);
  return m;
}

Registers configured() {
  Registers r;
  r.uncorrectable_mask = 0x00010000;
  r.severity = 0x00060011;
  r.correctable_mask = 0x00002000;
  r.control = kCapable | 0x140;  // ECRC generation and check enabled
  r.root_command = 0x7;
  return r;
}

// Errors logged after the reset, before the restore.
Registers after_reset_with_errors() {
  Registers r;
  r.uncorrectable_status = 0x00100000;  // Unsupported Request
  r.correctable_status = 0x00000001;    // Receiver Error
  r.root_status = 0x00000001;           // ERR_COR received
  return r;
}

plugintest::ModelRestore restore(const Registers& saved, const Registers& now,
                                 const core::RestoreOptions& options = {}) {
  return plugintest::save_and_restore(std::make_shared<AerPlugin>(), kAddress, root_port(saved),
                                      root_port(now), options);
}

core::RestoreOptions clearing() {
  core::RestoreOptions options;
  options.plugin_options["aer.clear_status"] = "true";
  return options;
}

// After a reset: masks, severity, control and root command in pci_restore_aer_state's order;
// the logged errors stay logged (status never written by default).
TEST(AerRestore, AfterResetWritesInTheKernelsOrderAndLeavesStatusAlone) {
  const auto r = restore(configured(), after_reset_with_errors());
  EXPECT_THAT(r.writes, ElementsAre("uncorrectable_mask=0x10000 @0x108 phase 247",
                                    "uncorrectable_severity=0x60011 @0x10c phase 247",
                                    "correctable_mask=0x2000 @0x114 phase 247",
                                    "capabilities_control=0x3e0 @0x118 phase 247",
                                    "root_command=0x7 @0x12c phase 247"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAer + 0x04, 4), 0x00100000U);
  EXPECT_EQ(get(r.bytes, kAer + 0x10, 4), 0x1U);
  EXPECT_EQ(get(r.bytes, kAer + 0x30, 4), 0x1U);
  EXPECT_EQ(get(r.bytes, kAer + 0x18, 4), kCapable | 0x140);
}

// With clear_status: Root Error Status, then Correctable, then Uncorrectable Status are written
// with exactly their set bits (which clears them), before the masks.
TEST(AerRestore, ClearStatusWritesBackTheSetBitsFirst) {
  const auto r = restore(configured(), after_reset_with_errors(), clearing());
  EXPECT_THAT(r.writes, ElementsAre("root_status (clear)=0x1 @0x130 phase 247",
                                    "correctable_status (clear)=0x1 @0x110 phase 247",
                                    "uncorrectable_status (clear)=0x100000 @0x104 phase 247",
                                    "uncorrectable_mask=0x10000 @0x108 phase 247",
                                    "uncorrectable_severity=0x60011 @0x10c phase 247",
                                    "correctable_mask=0x2000 @0x114 phase 247",
                                    "capabilities_control=0x3e0 @0x118 phase 247",
                                    "root_command=0x7 @0x12c phase 247"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAer + 0x04, 4), 0U);
  EXPECT_EQ(get(r.bytes, kAer + 0x10, 4), 0U);
  EXPECT_EQ(get(r.bytes, kAer + 0x30, 4), 0U);
}

// Nothing logged: the clear writes nothing.
TEST(AerRestore, ClearStatusWithNothingLoggedWritesNoStatus) {
  const auto r = restore(configured(), Registers{}, clearing());
  EXPECT_EQ(r.writes.size(), 5U);
  EXPECT_THAT(r.writes.front(), HasSubstr("uncorrectable_mask"));
}

// The device already holds every saved value: nothing is written.
TEST(AerRestore, UnchangedDeviceIsNotWritten) {
  EXPECT_THAT(restore(configured(), configured()).writes, IsEmpty());
}

// Another set of capable bits (ECRC or header logging) is another function.
TEST(AerRestore, OtherCapableBitsAreRefused) {
  Registers other;
  other.control = 0;
  EXPECT_THAT([&] { restore(configured(), other); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'capabilities_control' at 0x118 identifies the capability")));
}

// A misspelt option or a value the plugin does not allow refuses the restore, naming both.
TEST(AerRestore, UnknownOptionOrValueIsRefused) {
  core::RestoreOptions misspelt;
  misspelt.plugin_options["aer.clear_staus"] = "true";
  EXPECT_THAT([&] { restore(configured(), Registers{}, misspelt); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  AllOf(HasSubstr("plugin_options.aer.clear_staus"), HasSubstr("does not declare"),
                        HasSubstr("clear_status (false|true)"))));
  core::RestoreOptions bad_value;
  bad_value.plugin_options["aer.clear_status"] = "yes";
  EXPECT_THAT([&] { restore(configured(), Registers{}, bad_value); },
              ::testing::ThrowsMessage<core::RestoreRefused>(HasSubstr("does not allow")));
}

// After a reset with errors logged: masks, severity, correctable mask, control and root command,
// each a 32-bit write in pci_restore_aer_state's order; no status register is written, so every
// logged W1C bit stays set, and the read-only capable bits of control are written as read.
TEST(AerWriteSequence, KernelOrderWithoutTouchingStatus) {
  const Registers saved = configured();
  const plugintest::ModelImage now = root_port(after_reset_with_errors());
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kAer + 0x08, Width::dword, saved.uncorrectable_mask));
    EXPECT_CALL(obs, config_write(kAer + 0x0c, Width::dword, saved.severity));
    EXPECT_CALL(obs, config_write(kAer + 0x14, Width::dword, saved.correctable_mask));
    EXPECT_CALL(obs, config_write(kAer + 0x18, Width::dword,
                                  (saved.control & kControlWritable) | kCapable));
    EXPECT_CALL(obs, config_write(kAer + 0x2c, Width::dword, saved.root_command));
  }
  const plugintest::ModelRestore r = plugintest::save_and_restore(
      std::make_shared<AerPlugin>(), kAddress, root_port(saved), now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
  EXPECT_EQ(get(r.bytes, kAer + 0x04, 4), 0x00100000U);
  EXPECT_EQ(get(r.bytes, kAer + 0x10, 4), 0x1U);
  EXPECT_EQ(get(r.bytes, kAer + 0x30, 4), 0x1U);
}

// With clear_status, on a root port whose Root Error Status holds `message_number` in its
// read-only bits 31:27: Root Error Status, Correctable Status, then Uncorrectable Status are each
// written with exactly their set W1C bits (and the message number as read) before the masks; only
// those W1C bits change.
void expect_clear_sequence(std::uint32_t message_number) {
  Registers logged = after_reset_with_errors();
  logged.root_status |= message_number;
  const plugintest::ModelImage now = root_port(logged);
  const Registers saved = configured();
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kAer + 0x30, Width::dword, message_number | 0x1));
    EXPECT_CALL(obs, config_write(kAer + 0x10, Width::dword, logged.correctable_status));
    EXPECT_CALL(obs, config_write(kAer + 0x04, Width::dword, logged.uncorrectable_status));
    EXPECT_CALL(obs, config_write(kAer + 0x08, Width::dword, saved.uncorrectable_mask));
    EXPECT_CALL(obs, config_write(kAer + 0x0c, Width::dword, saved.severity));
    EXPECT_CALL(obs, config_write(kAer + 0x14, Width::dword, saved.correctable_mask));
    EXPECT_CALL(obs, config_write(kAer + 0x18, Width::dword,
                                  (saved.control & kControlWritable) | kCapable));
    EXPECT_CALL(obs, config_write(kAer + 0x2c, Width::dword, saved.root_command));
  }
  const plugintest::ModelRestore r = plugintest::save_and_restore(
      std::make_shared<AerPlugin>(), kAddress, root_port(saved), now, obs, clearing());
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kAer + 0x04, 4), 0U);
  EXPECT_EQ(get(r.bytes, kAer + 0x10, 4), 0U);
  EXPECT_EQ(get(r.bytes, kAer + 0x30, 4), message_number);
  // Only the three cleared status bytes differ in read-only or W1C bits.
  EXPECT_THAT(
      disturbed_bits(now, r.bytes),
      ElementsAre(HasSubstr("byte 0x106"), HasSubstr("byte 0x110"), HasSubstr("byte 0x130")));
}

// Interrupt message number 0: the clear writes are exactly the set status bits.
TEST(AerWriteSequence, ClearStatusWritesSetBitsFirstThenMasks) {
  expect_clear_sequence(0);
}

// Interrupt message number 1 (an AER interrupt on MSI vector 1), as on many root ports. Disabled:
// the aer plugin asks for Root Error Status = its set W1C bits only (0x1), which would change the
// read-only message number (0x08000001 now), so the engine refuses the plan ("changes bits
// 0x8000000 ... that its layout declares neither writable nor transient; the plugin is broken").
// Enable once aer's clear keeps the read-only bits as read.
TEST(AerWriteSequence, ClearStatusKeepsTheInterruptMessageNumber) {
  expect_clear_sequence(0x08000000);
}

}  // namespace
}  // namespace capstate::aer
