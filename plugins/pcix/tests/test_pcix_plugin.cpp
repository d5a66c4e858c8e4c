// Tests of the pcix plugin: the word at +0x02 of a real PCI-X device (Command) and a real PCI-X
// bridge (Secondary Status), the Command write after a reset with the version and the W1C Status
// bits untouched, the bridge's Secondary Status never written, and the must-match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "pcix_layout.hpp"
#include "pcix_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::pcix {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::get;
using plugintest::put;

// The present fields (name=value) of the PCI-X record saved from a real dump.
std::vector<std::string> saved_pcix(const std::string& dump) {
  return plugintest::saved_present_fields(PcixPlugin{}, dump, CapKind::standard, kCapabilityId);
}

TEST(PcixLayout, Validates) {
  PcixPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Intel 82545EM, PCI-X at 0xe4 (type 0): "Command: DPERE- ERO- RBC=2048 OST=1", i.e. Maximum
// Memory Read Byte Count 2 (512 << 2) and Maximum Outstanding Split Transactions 0 (one).
TEST(PcixRealDumps, EthernetControllerCommand) {
  EXPECT_THAT(saved_pcix("intel-82545em-gbe-pcix.xxxx.txt"), ElementsAre("command=0x8"));
}

// IBM EADS-X bridge, PCI-X at 0xa0 (type 1): "Secondary Status: 64bit+ 133MHz+ SCD- USC- SCO-
// SRD- Freq=conv".
TEST(PcixRealDumps, BridgeSecondaryStatus) {
  EXPECT_THAT(saved_pcix("ibm-eads-x-pcix-bridge.xxxx.txt"), ElementsAre("secondary_status=0x3"));
}

constexpr core::PciAddress kAddress{2, 1, 1, 0};
constexpr std::uint16_t kPcix = 0xe4;
// PCI-X Status: 64-bit, 133 MHz and Split Completion Error (0x20000000, W1C) set.
constexpr std::uint32_t kStatus = 0x20030108;
constexpr std::uint32_t kStatusW1c = 0x200c0000;
// Bridge Secondary Status: 64-bit, 133 MHz and Split Completion Discarded (W1C) set.
constexpr std::uint16_t kSecondaryStatus = 0x0007;

std::vector<std::uint8_t> image(std::uint8_t header_type, std::uint16_t word) {
  std::vector<std::uint8_t> b(kConventionalSize, 0);
  put(b, 0x00, 0x100f8086, 4);
  put(b, 0x06, 0x0010, 2);
  put(b, 0x08, header_type == 1 ? 0x06040002 : 0x02000001, 4);
  put(b, 0x0e, header_type, 1);
  put(b, 0x34, kPcix, 1);
  put(b, kPcix, 0x0007, 2);  // PCI-X, last in the list
  put(b, kPcix + 2, word, 2);
  put(b, kPcix + 4, kStatus, 4);
  return b;
}

std::vector<std::uint8_t> writable(std::uint8_t header_type) {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  if (header_type == 0) {
    put(w, kPcix + 2, kCommandWritable, 2);
  }
  return w;
}

std::vector<std::uint8_t> w1c(std::uint8_t header_type) {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  put(w, kPcix + 2, header_type == 1 ? kSecondaryStatusW1c : 0, 2);
  put(w, kPcix + 4, kStatusW1c, 4);
  return w;
}

using Restored = plugintest::ModelRestore;
using plugintest::disturbed_bits;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

Restored restore(std::uint8_t header_type, std::uint16_t saved, std::uint16_t now_word) {
  return plugintest::save_and_restore(
      std::make_shared<PcixPlugin>(), kAddress,
      {image(header_type, saved), writable(header_type), w1c(header_type)},
      {image(header_type, now_word), writable(header_type), w1c(header_type)});
}

// After a reset Command holds its defaults (512-byte reads, one split transaction) and the
// version (1, read-only): one 16-bit write, in phase 270 (after the header's Command), with the
// version as read; PCI-X Status and its set Split Completion Error (W1C) are not written.
TEST(PcixRestore, CommandAfterResetIsOneWrite) {
  const std::uint16_t saved = 0x1000 | kRelaxedOrdering | 0x0008 | 0x0030;
  const Restored r = restore(0, saved, 0x1000);
  EXPECT_THAT(r.writes, ElementsAre("command=0x103a @0xe6 phase 270"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPcix + 2, 2), saved);
  EXPECT_EQ(get(r.bytes, kPcix + 4, 4), kStatus);
}

// The device already holds the saved Command: nothing is written.
TEST(PcixRestore, UnchangedCommandIsNotWritten) {
  EXPECT_THAT(restore(0, 0x0008, 0x0008).writes, IsEmpty());
}

// On a bridge the word is Secondary Status: saved with a W1C bit set, nothing is written, so the
// live bit stays set (the kernel's pci_restore_pcix_state would write it back and clear it).
TEST(PcixRestore, BridgeSecondaryStatusIsNeverWritten) {
  const Restored r = restore(1, kSecondaryStatus, kSecondaryStatus);
  EXPECT_THAT(r.writes, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPcix + 2, 2), kSecondaryStatus);
  EXPECT_EQ(get(r.bytes, kPcix + 4, 4), kStatus);
}

// The version in Command identifies the capability: a version 2 device is refused.
TEST(PcixRestore, AnotherVersionIsRefused) {
  EXPECT_THAT([] { restore(0, 0x1008, 0x2000); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'command' at 0x0e6 identifies the capability")));
}

// After a reset: one 16-bit Command write with the saved relaxed ordering, read byte count and
// split transactions, and the read-only version (1) as read; PCI-X Status, whose Split
// Completion Error (W1C) is set, is never written.
TEST(PcixWriteSequence, CommandOnlyStatusLeftAlone) {
  const std::uint16_t saved = 0x1000 | kRelaxedOrdering | 0x0008 | 0x0030;
  const plugintest::ModelImage now{image(0, 0x1000), writable(0), w1c(0)};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(kPcix + 2, Width::word, saved));
  }
  const Restored r = plugintest::save_and_restore(std::make_shared<PcixPlugin>(), kAddress,
                                                  {image(0, saved), writable(0), w1c(0)}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, kPcix + 2, 2) & kVersion, 0x1000U);
  EXPECT_EQ(get(r.bytes, kPcix + 4, 4), kStatus);
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::pcix
