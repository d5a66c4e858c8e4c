// The save path's device accesses: every configuration dword is read once per device across all
// plugins (save_device's CachedConfigSpace); an AccessError met while plugin code reads the device
// is the device's access error, not a plugin failure; BAR memory the kernel refuses to map is
// left unsaved with one warning for the run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/counted_config_space.hpp"
#include "backends/memory_config_space.hpp"
#include "backends/model_source.hpp"
#include "backends/sysfs_spaces.hpp"
#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/entry_records.hpp"
#include "dispatch/save_state.hpp"
#include "engine/plugin_call.hpp"
#include "msix_plugin.hpp"
#include "pcie_plugin.hpp"
#include "registry/registry.hpp"

namespace capstate::core {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// --- a device whose plugins read overlapping registers -------------------------------------

// Configuration space in a byte vector that logs every read reaching it.
class LoggedSpace final : public CountedConfigSpace {
 public:
  explicit LoggedSpace(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  std::uint16_t size() const override { return static_cast<std::uint16_t>(bytes_.size()); }
  std::string device_name() const override { return "0000:00:04.0"; }
  std::vector<std::uint16_t> log;  ///< offset of every read, in order

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override {
    log.push_back(offset);
    std::uint32_t v = 0;
    for (unsigned i = 0; i < width_bytes(width); ++i) {
      v |= static_cast<std::uint32_t>(bytes_[offset + i]) << (8 * i);
    }
    return v;
  }
  void do_write(std::uint16_t, Width, std::uint32_t) override {
    throw std::logic_error("save wrote to the device");
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

void put(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    b.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
  }
}

// A type 0 function (256 bytes): Power Management at 0x40, PCI Express (v2 endpoint) at 0x50.
std::vector<std::uint8_t> endpoint_bytes() {
  std::vector<std::uint8_t> b(kConventionalSize, 0);
  put(b, 0x00, 0x10d38086, 4);
  put(b, 0x04, 0x00100406, 4);  // Command 0x0406, Status: capability list
  put(b, 0x08, 0x02000003, 4);
  put(b, 0x0c, 0x00000010, 4);  // Cache Line Size 0x10, type 0
  put(b, 0x10, 0xfebc0000, 4);
  put(b, 0x2c, 0x00008086, 4);
  put(b, 0x34, 0x40, 1);
  put(b, 0x3c, 0x010b, 2);      // Interrupt Line 0x0b, Pin INTA
  put(b, 0x40, 0xc8235001, 4);  // PM, next 0x50, PMC 0xc823
  put(b, 0x44, 0x00000008, 4);  // PMCSR: No_Soft_Reset, D0
  put(b, 0x50, 0x00020010, 4);  // PCIe, end of list, version 2 endpoint
  put(b, 0x58, 0x2810, 2);      // Device Control
  put(b, 0x60, 0x0040, 2);      // Link Control
  put(b, 0x78, 0x0400, 2);      // Device Control 2
  put(b, 0x80, 0x0002, 2);      // Link Control 2
  return b;
}

// A header plugin: the header's registers share dwords with each other and with the identity.
constexpr std::array<Field, 7> kHeaderFields{{
    {.name = "command", .offset = 0x04, .width = Width::word, .writable = 0x0547, .verify = 0x0547},
    {.name = "status", .offset = 0x06, .width = Width::word, .w1c = 0xf900},
    {.name = "cache_line_size", .offset = 0x0c, .width = Width::byte, .writable = 0xff},
    {.name = "latency_timer", .offset = 0x0d, .width = Width::byte, .writable = 0xff},
    {.name = "header_type", .offset = 0x0e, .width = Width::byte, .must_match = 0x7f},
    {.name = "bar0", .offset = 0x10, .width = Width::dword, .writable = ~0U, .verify = ~0U},
    {.name = "interrupt_line", .offset = 0x3c, .width = Width::byte, .writable = 0xff},
}};
constexpr std::array<Layout, 1> kHeaderLayouts{{{.schema_version = 1, .fields = kHeaderFields}}};
constexpr std::array<Claim, 1> kHeaderClaims{{{.kind = CapKind::header}}};

// A PM plugin: PMC and PMCSR are words of the capability's two dwords.
constexpr std::array<Field, 2> kPmFields{{
    {.name = "pmc", .offset = 0x02, .width = Width::word},
    {.name = "pmcsr", .offset = 0x04, .width = Width::word, .writable = 0x0103, .w1c = 0x8000},
}};
constexpr std::array<Layout, 1> kPmLayouts{{{.schema_version = 1, .fields = kPmFields}}};
constexpr std::array<Claim, 1> kPmClaims{{{.kind = CapKind::standard, .id = 0x01}}};

// How a test plugin's own code (save_extra) reads the device.
enum class Extra {
  none,
  overlapping,       // IDs, Command, its own capability header: all read by someone else already
  beyond_end,        // a dword past the end of the 256-byte space
  throws,            // a plain error of the plugin's own
  own_access_error,  // an AccessError the plugin throws itself
};

class TestPlugin final : public Plugin {
 public:
  TestPlugin(std::string name, std::span<const Claim> claims, std::span<const Layout> layouts,
             Extra extra = Extra::none)
      : name_(std::move(name)), claims_(claims), layouts_(layouts), extra_(extra) {}
  PluginInfo info() const override {
    return {.name = name_,
            .version = "1",
            .summary = "test plugin",
            .claims = claims_,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 100};
  }
  std::span<const Layout> layouts() const override { return layouts_; }
  std::vector<std::uint8_t> save_extra(const SaveContext& ctx) const override {
    switch (extra_) {
      case Extra::none:
        break;
      case Extra::overlapping:
        (void)ctx.config.read32(0x00);
        (void)ctx.config.read16(0x04);
        (void)ctx.config.read8(static_cast<std::uint16_t>(ctx.capability.offset + 1));
        break;
      case Extra::beyond_end:
        (void)ctx.config.read32(0x100);
        break;
      case Extra::throws:
        throw std::runtime_error("the plugin gave up");
      case Extra::own_access_error:
        throw AccessError("a register the plugin found unreadable");
    }
    return {};
  }

 private:
  std::string name_;
  std::span<const Claim> claims_;
  std::span<const Layout> layouts_;
  Extra extra_;
};

Registry overlapping_plugins(Extra pm_extra = Extra::overlapping) {
  Registry r =
      Registry::from_plugins({std::make_shared<TestPlugin>("hdr", kHeaderClaims, kHeaderLayouts),
                              std::make_shared<TestPlugin>("pmx", kPmClaims, kPmLayouts, pm_extra),
                              std::make_shared<pcie::PciePlugin>()});
  for (const PluginEntry& e : r.entries()) {
    EXPECT_EQ(e.status, PluginStatus::loaded) << e.name << ": " << e.reason;
  }
  return r;
}

TEST(SaveReads, EveryDwordOnceAcrossIdentityDiscoveryAndAllPlugins) {
  auto space = std::make_unique<LoggedSpace>(endpoint_bytes());
  LoggedSpace& logged = *space;
  Device device;
  device.address = PciAddress{0, 0, 4, 0};
  device.config = std::move(space);
  const Registry registry = overlapping_plugins();
  SaveReport report;
  const DeviceSection section = save_device(device, registry, {}, report);
  ASSERT_EQ(section.records.size(), 3U);  // header, PM, PCIe
  EXPECT_EQ(section.records[0].plugin, "hdr");
  EXPECT_EQ(section.records[1].plugin, "pmx");
  EXPECT_EQ(section.records[2].plugin, "pcie");
  EXPECT_THAT(report.warnings, IsEmpty());
  // Identity 0x00 0x08 0x0c 0x2c; discovery 0x04 (Status) 0x34 0x40 0x50; header 0x04 0x0c 0x10
  // 0x3c; PM 0x40 0x44 and its code 0x00 0x04 0x40; PCIe 0x50 (flags) 0x58 0x60 0x78 0x80.
  const std::vector<std::uint16_t> distinct{0x00, 0x04, 0x08, 0x0c, 0x10, 0x2c, 0x34, 0x3c,
                                            0x40, 0x44, 0x50, 0x58, 0x60, 0x78, 0x80};
  EXPECT_EQ(logged.counts().reads, (std::array<std::uint64_t, 3>{0, 0, distinct.size()}));
  EXPECT_EQ(std::set<std::uint16_t>(logged.log.begin(), logged.log.end()),
            std::set<std::uint16_t>(distinct.begin(), distinct.end()));
  EXPECT_EQ(logged.counts().total_writes(), 0U);
  // The values are the device's, whatever width each register was read with.
  const DecodedRecord header = decode_record(*registry.find("hdr"), section.records[0]);
  ASSERT_EQ(header.fields.size(), 7U);
  EXPECT_EQ(header.fields[0].value, 0x0406U);
  EXPECT_EQ(header.fields[1].value, 0x0010U);
  EXPECT_EQ(header.fields[2].value, 0x10U);
  EXPECT_EQ(header.fields[4].value, 0x00U);
  EXPECT_EQ(header.fields[5].value, 0xfebc0000U);
  EXPECT_EQ(header.fields[6].value, 0x0bU);
}

TEST(SaveReads, WithoutTheCacheEveryPartReadsWhatItNeedsItself) {
  const Registry registry = overlapping_plugins();
  LoggedSpace walk(endpoint_bytes());
  (void)discover(walk, 0x00);
  auto space = std::make_unique<LoggedSpace>(endpoint_bytes());
  LoggedSpace& logged = *space;
  Device device;
  device.address = PciAddress{0, 0, 4, 0};
  device.config = std::move(space);
  SaveReport report;
  const DeviceSection uncached =
      save_device(device, registry, SaveOptions{.cache_reads = false}, report);
  // Identity 4; the walk 4 (Status, pointer, two entries); the header's 7 registers; PM 2 + 3
  // by its code; PCIe flags + 4.
  EXPECT_EQ(logged.counts().total_reads(), 4 + walk.counts().total_reads() + 7 + 5 + 5);
  EXPECT_EQ(logged.counts().total_reads(), 25U);  // against 15 dwords with the cache
  // Same records either way.
  auto again = std::make_unique<LoggedSpace>(endpoint_bytes());
  device.config = std::move(again);
  const DeviceSection cached = save_device(device, registry, {}, report);
  EXPECT_EQ(cached.records, uncached.records);
  EXPECT_EQ(device.config->counts().total_reads(), 15U);
}

TEST(SaveReads, SaveStateReadsEachDwordOncePerDeviceAndChoosesOptionsWithoutReading) {
  ModelSource source;
  source.add(PciAddress{0, 0, 4, 0}, endpoint_bytes());
  source.add(PciAddress{0, 0, 5, 0}, endpoint_bytes());
  const Registry registry = overlapping_plugins();
  SaveReport report;
  std::vector<std::uint16_t> vendors;
  const StateFile file = save_state_with(
      source, source.addresses(), registry,
      [&](const PciAddress& a, const DeviceIdentity& id) -> std::optional<SaveOptions> {
        vendors.push_back(id.vendor_id);
        if (a.device == 5) {
          return std::nullopt;  // left out by the caller's choice
        }
        return SaveOptions{};
      },
      report);
  ASSERT_EQ(file.devices.size(), 1U);
  EXPECT_EQ(file.devices[0].records.size(), 3U);
  EXPECT_EQ(vendors, (std::vector<std::uint16_t>{0x8086, 0x8086}));
  EXPECT_EQ(source.counts(PciAddress{0, 0, 4, 0}).reads, (std::array<std::uint64_t, 3>{0, 0, 15}));
  // The device left out was read only as far as its identity: 0x00, 0x08, 0x0c, 0x2c.
  EXPECT_EQ(source.counts(PciAddress{0, 0, 5, 0}).reads, (std::array<std::uint64_t, 3>{0, 0, 4}));
}

// --- access errors while plugin code runs ------------------------------------------------------

std::string access_error_of(auto&& fn) {
  try {
    fn();
  } catch (const PluginFailure& e) {
    return std::string("PluginFailure: ") + e.what();
  } catch (const AccessError& e) {
    return e.what();
  }
  return "no exception";
}

TEST(SaveAccessErrors, ReadBeyondTheDeviceInPluginCodeIsTheDevicesAccessError) {
  for (const PluginFailureMode mode :
       {PluginFailureMode::abort, PluginFailureMode::device, PluginFailureMode::capability}) {
    ModelSource source;
    source.add(PciAddress{0, 0, 4, 0}, endpoint_bytes());
    SaveReport report;
    const std::string text = access_error_of([&] {
      (void)save_state(source, source.addresses(), overlapping_plugins(Extra::beyond_end),
                       SaveOptions{.on_plugin_failure = mode}, report);
    });
    EXPECT_EQ(text,
              "0000:00:04.0: 32-bit read at 0x0100 is beyond the end of configuration space "
              "(size 0x100)")
        << static_cast<int>(mode);
    EXPECT_THAT(report.left_out, IsEmpty());
  }
}

TEST(SaveAccessErrors, AnAccessErrorThePluginThrowsIsTakenAsTheDevicesToo) {
  ModelSource source;
  source.add(PciAddress{0, 0, 4, 0}, endpoint_bytes());
  SaveReport report;
  EXPECT_EQ(access_error_of([&] {
              (void)save_state(source, source.addresses(),
                               overlapping_plugins(Extra::own_access_error),
                               SaveOptions{.on_plugin_failure = PluginFailureMode::device}, report);
            }),
            "a register the plugin found unreadable");
  EXPECT_THAT(report.left_out, IsEmpty());
}

TEST(SaveAccessErrors, APluginsOwnErrorIsStillAPluginFailure) {
  ModelSource source;
  source.add(PciAddress{0, 0, 4, 0}, endpoint_bytes());
  SaveReport report;
  const StateFile file =
      save_state(source, source.addresses(), overlapping_plugins(Extra::throws),
                 SaveOptions{.on_plugin_failure = PluginFailureMode::device}, report);
  EXPECT_THAT(file.devices, IsEmpty());
  EXPECT_THAT(report.left_out, ElementsAre(AllOf(HasSubstr("0000:00:04.0: device left out"),
                                                 HasSubstr("plugin 'pmx' failed while saving"),
                                                 HasSubstr("the plugin gave up"))));
}

TEST(SaveAccessErrors, BytesADumpDoesNotHoldAreStillRefusedWithItsHint) {
  // A dump of 0x40 bytes: the PM capability lies beyond what it holds.
  MemoryDevice held;
  held.name = "0000:00:04.0";
  held.bytes = endpoint_bytes();
  held.held = 0x40;
  held.beyond_held_hint = "the dump holds 64 bytes; take it with lspci -xxx";
  Device device;
  device.address = PciAddress{0, 0, 4, 0};
  device.config = std::make_unique<MemoryConfigSpace>(held);
  SaveReport report;
  EXPECT_EQ(access_error_of([&] { (void)save_device(device, overlapping_plugins(), {}, report); }),
            "0000:00:04.0: 16-bit read at 0x0040: the dump holds 64 bytes; take it with lspci "
            "-xxx");
}

// --- BAR memory the kernel refuses to map -----------------------------------------------------

// BAR memory whose every access fails as a refused mmap of resourceN does.
class RefusedBars final : public BarSpace {
 public:
  RefusedBars(std::string device, int error, bool map_error)
      : device_(std::move(device)), error_(error), map_error_(map_error) {}
  bool has_bar(std::uint8_t bar) const override { return bar == 0; }
  std::uint64_t bar_size(std::uint8_t bar) const override { return bar == 0 ? 0x1000 : 0; }
  std::uint32_t read32(std::uint8_t bar, std::uint64_t) override { fail(bar); }
  void write32(std::uint8_t bar, std::uint64_t, std::uint32_t) override { fail(bar); }

 private:
  [[noreturn]] void fail(std::uint8_t bar) const {
    const std::filesystem::path path =
        "/sys/bus/pci/devices/" + device_ + "/resource" + std::to_string(bar);
    if (!map_error_) {
      throw AccessError(device_ + ": BAR " + std::to_string(bar) + " read failed");
    }
    throw BarMapError(device_, bar, path, error_,
                      bar_map_failure_text(device_, bar, path, false, "mmap", error_));
  }
  std::string device_;
  int error_;
  bool map_error_;
};

// Model devices with MSI-X (4 vectors, table in BAR 0) whose BARs are refused.
class RefusingSource final : public DeviceSource {
 public:
  RefusingSource(int error, bool map_error) : error_(error), map_error_(map_error) {}
  void add(const PciAddress& address) {
    std::vector<std::uint8_t> b(kConventionalSize, 0);
    put(b, 0x00, 0x10d38086, 4);
    put(b, 0x04, 0x00100406, 4);
    put(b, 0x08, 0x02000003, 4);
    put(b, 0x34, 0x40, 1);
    put(b, 0x40, 0x00030011, 4);  // MSI-X, end of list, 4 entries
    put(b, 0x44, 0x00000000, 4);  // table: BAR 0 at 0
    put(b, 0x48, 0x00000800, 4);  // PBA: BAR 0 at 0x800
    model_.add(address, std::move(b));
  }
  std::string describe() const override { return "refusing test source"; }
  std::vector<PciAddress> addresses() override { return model_.addresses(); }
  Device open(const PciAddress& address) override {
    Device d = model_.open(address);
    d.bars = std::make_unique<RefusedBars>(address.str(), error_, map_error_);
    return d;
  }
  bool writes_hardware() const override { return false; }

 private:
  ModelSource model_;
  int error_;
  bool map_error_;
};

Registry msix_only() {
  return Registry::from_plugins({std::make_shared<msix::MsixPlugin>()});
}

std::uint64_t named(const DecodedRecord& d, std::string_view name) {
  for (const DecodedValue& v : d.extra) {
    if (v.name == name) {
      return v.value;
    }
  }
  ADD_FAILURE() << "no value " << name;
  return 0;
}

TEST(SaveUnmappedBars, StrictDevmemSavesEveryDeviceAndWarnsOnceNamingThemAll) {
  RefusingSource source(EINVAL, true);
  const std::vector<PciAddress> addresses{{0, 1, 0, 0}, {0, 2, 0, 0}, {0, 3, 0, 0}};
  for (const PciAddress& a : addresses) {
    source.add(a);
  }
  const Registry registry = msix_only();
  SaveReport report;
  StateFile file;
  // As capstate save does it: one save_state per device, one report for the run.
  for (const PciAddress& a : addresses) {
    StateFile part = save_state(source, {a}, registry, {}, report);
    ASSERT_EQ(part.devices.size(), 1U);
    file.devices.push_back(std::move(part.devices.front()));
  }
  for (const DeviceSection& s : file.devices) {
    ASSERT_EQ(s.records.size(), 1U);
    const DecodedRecord d = decode_record(*registry.find("msix"), s.records[0]);
    EXPECT_EQ(named(d, "table_saved"), 0U) << s.address.str();
    EXPECT_EQ(named(d, "entries"), 4U) << s.address.str();
  }
  ASSERT_EQ(report.warnings.size(), 1U);
  const std::string& w = report.warnings.front();
  EXPECT_THAT(w, HasSubstr("BAR memory of 3 devices not saved: 0000:01:00.0 BAR 0 (plugin "
                           "'msix'), 0000:02:00.0 BAR 0 (plugin 'msix'), 0000:03:00.0 BAR 0 "
                           "(plugin 'msix'). "));
  EXPECT_THAT(w, HasSubstr("CONFIG_IO_STRICT_DEVMEM"));
  EXPECT_THAT(w, HasSubstr("boot with iomem=relaxed, or unbind the driver before saving"));
  EXPECT_THAT(w, Not(HasSubstr("lockdown")));
  EXPECT_EQ(report.unmapped_bars.size(), 3U);
  EXPECT_THAT(report.left_out, IsEmpty());
}

TEST(SaveUnmappedBars, OneSaveStateOverEveryDeviceWarnsOnceToo) {
  RefusingSource source(EINVAL, true);
  source.add({0, 1, 0, 0});
  source.add({0, 2, 0, 0});
  SaveReport report;
  report.warnings.push_back("an earlier warning");
  const StateFile file = save_state(source, source.addresses(), msix_only(), {}, report);
  EXPECT_EQ(file.devices.size(), 2U);
  ASSERT_EQ(report.warnings.size(), 2U);
  EXPECT_EQ(report.warnings[0], "an earlier warning");
  EXPECT_THAT(report.warnings[1], HasSubstr("BAR memory of 2 devices not saved: 0000:01:00.0 "
                                            "BAR 0 (plugin 'msix'), 0000:02:00.0 BAR 0"));
}

TEST(SaveUnmappedBars, LockdownNamesItsOwnCauseAndRemedy) {
  RefusingSource source(EPERM, true);
  source.add({0, 1, 0, 0});
  SaveReport report;
  const StateFile file = save_state(source, source.addresses(), msix_only(), {}, report);
  EXPECT_EQ(file.devices.size(), 1U);
  ASSERT_EQ(report.warnings.size(), 1U);
  EXPECT_THAT(report.warnings[0],
              AllOf(HasSubstr("BAR memory of 1 device not saved: 0000:01:00.0 BAR 0"),
                    HasSubstr("Kernel lockdown forbids mapping PCI BARs"),
                    HasSubstr("lift kernel lockdown"), Not(HasSubstr("CONFIG_IO_STRICT_DEVMEM"))));
}

TEST(SaveUnmappedBars, OtherBarErrorsKeepTheirOwnLineForEachDevice) {
  RefusingSource source(0, false);
  source.add({0, 1, 0, 0});
  source.add({0, 2, 0, 0});
  SaveReport report;
  const StateFile file = save_state(source, source.addresses(), msix_only(), {}, report);
  EXPECT_EQ(file.devices.size(), 2U);
  EXPECT_THAT(report.unmapped_bars, IsEmpty());
  EXPECT_THAT(report.warnings, ElementsAre(HasSubstr("0000:01:00.0: BAR 0 read failed"),
                                           HasSubstr("0000:02:00.0: BAR 0 read failed")));
}

}  // namespace
}  // namespace capstate::core
