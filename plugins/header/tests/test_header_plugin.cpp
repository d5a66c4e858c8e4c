// Tests of the header plugin: its variants on real endpoints and bridges, the exact restore
// sequence after a reset (BARs before Command, an upper BAR half before its lower half), status
// never written, BAR safety against the kernel's resources, BAR retries and bound drivers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "header_layout.hpp"
#include "header_plugin.hpp"
#include "registry/metadata_check.hpp"
#include "restore/restore_plan.hpp"
#include "support/plugin_fixture.hpp"

namespace capstate::header {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using plugintest::disturbed_bits;
using plugintest::get;
using plugintest::put;
using plugintest::WriteObserver;
using ::testing::InSequence;
using ::testing::StrictMock;

// The present fields (name=value) of the header record saved from a real dump.
std::vector<std::string> saved_header(const std::string& dump) {
  return plugintest::saved_present_fields(HeaderPlugin{}, dump, CapKind::header, 0);
}

TEST(HeaderLayout, ValidatesWithItsVariants) {
  HeaderPlugin plugin;
  EXPECT_EQ(core::metadata_problem(plugin.info(), plugin.layouts()), "");
}

// Toshiba NVMe (type 0): lspci shows "Region 0: Memory at b4200000 (64-bit)", Mem+ BusMaster+
// DisINTx+, cache line 64 bytes (0x10 dwords), IRQ 255.
TEST(HeaderRealDumps, EndpointSavesItsBarsAndCommand) {
  EXPECT_THAT(
      saved_header("toshiba-nvme-ssd-l1ss-ltr.xxxx.txt"),
      ElementsAre("interrupt_line=0xff", "rom=0x0", "bar5=0x0", "bar4=0x0", "bar3=0x0", "bar2=0x0",
                  "bar1=0x0", "bar0=0xb4200004", "header_type=0x0", "latency_timer=0x0",
                  "cache_line_size=0x10", "status=0x10", "command=0x406"));
}

// PLX PEX8532 downstream port (type 1): buses 12/16/16, I/O 0-fff (32-bit), memory
// 80600000-806fffff, prefetchable 80b00000-80bfffff (64-bit); I/O+ Mem+ BusMaster+.
TEST(HeaderRealDumps, BridgeSavesItsWindowsAndBusNumbers) {
  EXPECT_THAT(
      saved_header("plx-pex8532-switch-downstream-port-slot.xxxx.txt"),
      ElementsAre("interrupt_line=0x0", "bridge_control=0x0", "rom_bridge=0x0", "io_upper=0x0",
                  "prefetchable_limit_upper=0x0", "prefetchable_base_upper=0x0",
                  "prefetchable_base_limit=0x80b180b1", "memory_base_limit=0x80608060",
                  "io_base_limit=0x101", "secondary_status=0x0", "bus_numbers=0x161612", "bar1=0x0",
                  "bar0=0x0", "header_type=0x1", "latency_timer=0x0", "cache_line_size=0x0",
                  "status=0x10", "command=0x7"));
}

constexpr core::PciAddress kAddress{0, 3, 0, 0};

// A type 0 endpoint: 64-bit BAR0/1, I/O BAR2, 32-bit BAR3, ROM, IRQ 11, cache line 0x10, and
// the error bits 0x2000 (received master abort) in Status.
std::vector<std::uint8_t> endpoint(bool programmed) {
  std::vector<std::uint8_t> b(kConventionalSize, 0);
  put(b, 0x00, 0x10d38086, 4);
  put(b, 0x06, 0x2010, 2);
  put(b, 0x08, 0x02000000, 4);
  put(b, 0x10, programmed ? 0xfebf000c : 0x0000000c, 4);
  put(b, 0x14, programmed ? 0x00000001 : 0, 4);
  put(b, 0x18, programmed ? 0x0000c001 : 0x00000001, 4);
  put(b, 0x1c, programmed ? 0xfebe0000 : 0, 4);
  put(b, 0x30, programmed ? 0xfeb00000 : 0, 4);
  if (programmed) {
    put(b, 0x04, 0x0407, 2);
    put(b, 0x0c, 0x10, 1);
    put(b, 0x3c, 0x0b, 1);
  }
  put(b, 0x3d, 0x01, 1);
  return b;
}

// Writable bits of that endpoint: sized BARs (BAR0 64 KB, BAR2 64 bytes of I/O, BAR3 8 KB), ROM
// 1 MB with its enable bit, Command, cache line, IRQ line; Status error bits are W1C.
std::vector<std::uint8_t> endpoint_writable() {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  put(w, 0x04, 0x0547, 2);
  put(w, 0x0c, 0xff, 1);
  put(w, 0x10, 0xffff0000, 4);
  put(w, 0x14, 0xffffffff, 4);
  put(w, 0x18, 0xffffffc0, 4);
  put(w, 0x1c, 0xffffe000, 4);
  put(w, 0x30, 0xfff00001, 4);
  put(w, 0x3c, 0xff, 1);
  return w;
}

std::vector<std::uint8_t> endpoint_w1c() {
  std::vector<std::uint8_t> w(kConventionalSize, 0);
  put(w, 0x06, kStatusErrors, 2);
  return w;
}

struct Restored {
  std::vector<std::string> writes;  // "name 0xoffset=0xvalue" in execution order
  std::vector<std::uint8_t> bytes;  // the device afterwards
  std::vector<std::string> mismatches;
};

// Saves the programmed endpoint, then restores it into `now` with `resources` and `options`.
Restored restore(const std::vector<std::uint8_t>& now_bytes,
                 const std::vector<KernelResource>& resources, core::RestoreOptions options = {},
                 const std::string& driver = "") {
  const plugintest::ModelRestore m = plugintest::save_and_restore(
      std::make_shared<HeaderPlugin>(), kAddress,
      {endpoint(true), endpoint_writable(), endpoint_w1c()},
      {now_bytes, endpoint_writable(), endpoint_w1c(), resources, driver}, options);
  return {plugintest::offset_writes(m.plan), m.bytes, m.mismatches};
}

// The kernel's view of the programmed endpoint (sysfs resource lines 0-6).
std::vector<KernelResource> kernel_map(std::uint64_t bar0 = 0x1febf0000) {
  return {{bar0, bar0 + 0xffff, 0x140204},   {0, 0, 0}, {0xc000, 0xc03f, 0x40101},
          {0xfebe0000, 0xfebe1fff, 0x40200}, {0, 0, 0}, {0, 0, 0},
          {0xfeb00000, 0xfebfffff, 0x46200}};
}

// After a reset: everything from the top down, the upper half of BAR0/1 before its lower half,
// Command last; Status's error bit is never written back as 1.
TEST(HeaderRestore, AfterAResetBarsGoFirstAndCommandLast) {
  std::vector<std::uint8_t> reset = endpoint(false);
  const Restored r = restore(reset, {});
  EXPECT_THAT(r.writes, ElementsAre("interrupt_line 0x03c=0xb", "rom 0x030=0xfeb00000",
                                    "bar3 0x01c=0xfebe0000", "bar2 0x018=0xc001", "bar1 0x014=0x1",
                                    "bar0 0x010=0xfebf000c", "cache_line_size 0x00c=0x10",
                                    "command 0x004=0x407"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(r.bytes[0x06], 0x10);  // Status untouched: its saved error bit 0x2000 not written
  EXPECT_EQ(r.bytes[0x07], 0x20);
  const std::vector<std::uint8_t> programmed = endpoint(true);
  EXPECT_TRUE(
      std::equal(programmed.begin() + 0x10, programmed.begin() + 0x40, r.bytes.begin() + 0x10));
}

// A device that was never reset: nothing to write.
TEST(HeaderRestore, AnUntouchedDeviceNeedsNoWrite) {
  EXPECT_THAT(restore(endpoint(true), kernel_map()).writes, IsEmpty());
}

// The kernel still has the saved addresses: the saved values are written.
TEST(HeaderRestore, SavedAddressesTheKernelHoldsAreWritten) {
  const Restored r = restore(endpoint(false), kernel_map());
  EXPECT_EQ(r.writes.size(), 8U);
  EXPECT_THAT(r.mismatches, IsEmpty());
}

// The kernel moved BAR0 (64-bit): refused, naming the BAR and both addresses, nothing written.
TEST(HeaderRestore, AMovedBarIsRefusedBeforeAnyWrite) {
  EXPECT_THAT(
      [] { restore(endpoint(false), kernel_map(0x2febf0000)); },
      ::testing::ThrowsMessage<core::RestoreRefused>(AllOf(
          HasSubstr("0000:03:00.0"), HasSubstr("plugin 'header'"), HasSubstr("BAR 0 (bar0, bar1)"),
          HasSubstr("saved at 0x1febf0000"), HasSubstr("assigned it 0x2febf0000-0x2febfffff"),
          HasSubstr("bar_mismatch = \"kernel\""), HasSubstr("nothing was written"))));
}

// With bar_mismatch = "kernel": the kernel's address goes in, the type bits stay.
TEST(HeaderRestore, KernelPolicyWritesTheKernelsAssignment) {
  core::RestoreOptions options;
  options.bar_mismatch = BarMismatch::kernel;
  const Restored r = restore(endpoint(false), kernel_map(0x2febf0000), options);
  EXPECT_THAT(r.writes, ::testing::Contains("bar1 (kernel's assignment) 0x014=0x2"));
  EXPECT_THAT(r.writes, ::testing::Contains("bar0 (kernel's assignment) 0x010=0xfebf000c"));
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(r.bytes[0x14], 0x02);
}

// A kernel that left the ROM unassigned: refused; with "kernel" the ROM BAR is left alone.
TEST(HeaderRestore, AnUnassignedRomIsRefusedOrLeftAlone) {
  std::vector<KernelResource> map = kernel_map();
  map[6] = {};
  EXPECT_THROW(restore(endpoint(false), map), core::RestoreRefused);
  core::RestoreOptions options;
  options.bar_mismatch = BarMismatch::kernel;
  const Restored r = restore(endpoint(false), map, options);
  for (const std::string& w : r.writes) {
    EXPECT_THAT(w, ::testing::Not(HasSubstr("rom")));
  }
}

// A bound driver: writing its header is refused unless the policy allows it.
TEST(HeaderRestore, ABoundDriverIsRefusedUnlessAllowed) {
  EXPECT_THAT([] { restore(endpoint(false), kernel_map(), {}, "e1000e"); },
              ::testing::ThrowsMessage<core::RestoreRefused>(AllOf(
                  HasSubstr("driver 'e1000e' is bound"), HasSubstr("bound_driver = \"allow\""),
                  HasSubstr("/sys/bus/pci/drivers/e1000e/unbind"))));
  core::RestoreOptions options;
  options.allow_bound_driver = true;
  EXPECT_EQ(restore(endpoint(false), kernel_map(), options, "e1000e").writes.size(), 8U);
  // Nothing to write: nothing to refuse.
  EXPECT_THAT(restore(endpoint(true), kernel_map(), {}, "e1000e").writes, IsEmpty());
}

// A device of another header type is refused by the header_type must-match.
TEST(HeaderRestore, AnotherHeaderTypeIsRefused) {
  std::vector<std::uint8_t> bridge = endpoint(false);
  bridge[0x0e] = 0x01;
  EXPECT_THAT([&] { restore(bridge, {}); },
              ::testing::ThrowsMessage<core::RestoreRefused>(
                  HasSubstr("field 'header_type' at 0x00e identifies the capability")));
}

// The plan shows each BAR's retries (the kernel's 10), and the text names them.
TEST(HeaderRestore, BarsCarryTheKernelsRetries) {
  const core::DevicePlan plan =
      plugintest::save_and_restore(std::make_shared<HeaderPlugin>(), kAddress,
                                   {endpoint(true), endpoint_writable(), endpoint_w1c()},
                                   {endpoint(false), endpoint_writable(), endpoint_w1c()})
          .plan;
  for (const core::PlannedWrite& w : plan.writes) {
    EXPECT_EQ(w.retries, w.name.starts_with("bar") ? kBarRetries : 0) << w.name;
  }
}

// After a reset: Interrupt Line, ROM, BARs 3 to 0 (BAR0/1's upper dword before its lower one),
// Cache Line Size, each written once as it sticks, then Command last so decode comes on only
// with valid addresses. The BARs' read-only type bits are written as read and Status's set
// Received Master Abort (W1C) is never written.
TEST(HeaderWriteSequence, BarsBeforeCommandCommandLast) {
  const std::vector<std::uint8_t> programmed = endpoint(true);
  const plugintest::ModelImage now{endpoint(false), endpoint_writable(), endpoint_w1c()};
  StrictMock<WriteObserver> obs;
  {
    InSequence in_order;
    EXPECT_CALL(obs, config_write(0x3c, Width::byte, 0x0b));
    EXPECT_CALL(obs, config_write(0x30, Width::dword, 0xfeb00000));
    EXPECT_CALL(obs, config_write(0x1c, Width::dword, 0xfebe0000));
    EXPECT_CALL(obs, config_write(0x18, Width::dword, 0x0000c001));  // I/O bit 0 as read
    EXPECT_CALL(obs, config_write(0x14, Width::dword, 0x00000001));
    EXPECT_CALL(obs, config_write(0x10, Width::dword, 0xfebf000c));  // 64-bit prefetchable
    EXPECT_CALL(obs, config_write(0x0c, Width::byte, 0x10));
    EXPECT_CALL(obs, config_write(0x04, Width::word, 0x0407));
  }
  const plugintest::ModelRestore r =
      plugintest::save_and_restore(std::make_shared<HeaderPlugin>(), kAddress,
                                   {programmed, endpoint_writable(), endpoint_w1c()}, now, obs);
  EXPECT_THAT(r.mismatches, IsEmpty());
  EXPECT_EQ(get(r.bytes, 0x06, 2), 0x2010U);  // Status with its W1C error bit still set
  EXPECT_TRUE(
      std::equal(programmed.begin() + 0x10, programmed.begin() + 0x40, r.bytes.begin() + 0x10));
  EXPECT_THAT(disturbed_bits(now, r.bytes), IsEmpty());
}

}  // namespace
}  // namespace capstate::header
