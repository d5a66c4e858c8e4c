// A modelled PCIe root port (pcie + msix + ltr capabilities) and helpers shared by the restore
// tests.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "backends/model_source.hpp"
#include "dispatch/device_save.hpp"
#include "ltr_plugin.hpp"
#include "msix_plugin.hpp"
#include "pcie_plugin.hpp"
#include "registry/registry.hpp"
#include "restore/restore_plan.hpp"

namespace capstate::restoretest {

using core::AccessCounts;
using core::Device;
using core::DevicePlan;
using core::DeviceSection;
using core::ModelSource;
using core::PciAddress;
using core::Registry;

/// The root port every test restores into.
inline const PciAddress kPort{0, 0x00, 0x1c, 0};

// Where the port's registers sit (capabilities at 0x40, 0x80 and 0x100).
inline constexpr std::uint16_t kPcieCap = 0x40;  ///< PCI Express capability
inline constexpr std::uint16_t kDevCtl = 0x48;   ///< Device Control
inline constexpr std::uint16_t kLnkCtl = 0x50;   ///< Link Control
inline constexpr std::uint16_t kSltCtl = 0x58;   ///< Slot Control
inline constexpr std::uint16_t kRtCtl = 0x5c;    ///< Root Control
inline constexpr std::uint16_t kDevCtl2 = 0x68;  ///< Device Control 2
inline constexpr std::uint16_t kLnkCtl2 = 0x70;  ///< Link Control 2
inline constexpr std::uint16_t kMsixCap = 0x80;  ///< MSI-X capability
inline constexpr std::uint16_t kMsixCtl = 0x82;  ///< MSI-X Message Control
inline constexpr std::uint16_t kLtrCap = 0x100;  ///< LTR extended capability
inline constexpr std::uint16_t kLtrLat = 0x104;  ///< LTR max snoop + no-snoop latencies
inline constexpr std::uint64_t kTable = 0x2000;  ///< MSI-X table offset in BAR 0
inline constexpr std::uint32_t kEntries = 4;     ///< MSI-X table entries

/// Configuration bytes plus the model's per-byte writable and write-1-to-clear masks.
struct Image {
  std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(kExtendedSize, 0);     ///< config
  std::vector<std::uint8_t> writable = std::vector<std::uint8_t>(kExtendedSize, 0);  ///< RW bits
  std::vector<std::uint8_t> w1c = std::vector<std::uint8_t>(kExtendedSize, 0);       ///< W1C bits

  /// Stores `value` little-endian at `offset`.
  void set(std::uint16_t offset, Width width, std::uint32_t value) {
    put(bytes, offset, width, value);
  }
  /// Makes the bits of `mask` at `offset` writable in the model (and only those).
  void rw(std::uint16_t offset, Width width, std::uint32_t mask) {
    put(writable, offset, width, mask);
  }
  /// Makes the bits of `mask` at `offset` write-1-to-clear in the model.
  void clear_on_one(std::uint16_t offset, Width width, std::uint32_t mask) {
    put(w1c, offset, width, mask);
  }

 private:
  static void put(std::vector<std::uint8_t>& v, std::uint16_t offset, Width width,
                  std::uint32_t value) {
    for (unsigned i = 0; i < width_bytes(width); ++i) {
      v.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
    }
  }
};

/// The register values of the port that tests vary.
struct PortValues {
  std::uint32_t devctl = 0x201f;   ///< MRRS 512, error reporting, relaxed ordering
  std::uint32_t lnkctl = 0x0043;   ///< ASPM L0s+L1, common clock
  std::uint32_t sltctl = 0x1028;   ///< DLL state changed, hot-plug, presence detect enables
  std::uint32_t rtctl = 0x000f;    ///< system error enables
  std::uint32_t devctl2 = 0x0400;  ///< LTR mechanism enable
  std::uint32_t lnkctl2 = 0x0003;  ///< target link speed 8 GT/s
  std::uint32_t msixctl = 0x8003;  ///< enabled, 4 entries
  std::uint32_t ltr = 0x10461046;  ///< both latencies: scale 4, value 0x46
  bool extended = true;            ///< 4096 bytes with the LTR capability, or 256 without
};

/// What a port holds after a reset: the saved values are gone.
inline PortValues reset_values() {
  return PortValues{.devctl = 0x2000,
                    .lnkctl = 0x0000,
                    .sltctl = 0x0000,
                    .rtctl = 0x0000,
                    .devctl2 = 0x0000,
                    .lnkctl2 = 0x0003,
                    .msixctl = 0x0003,
                    .ltr = 0x00000000};
}

/// A type 1 root port: PCIe capability (version 2, slot) at 0x40, MSI-X at 0x80 with its table
/// in BAR 0 at 0x2000, LTR at 0x100; the model's writable masks match the plugins' masks.
inline Image port_image(const PortValues& v) {
  Image im;
  if (!v.extended) {
    im.bytes.resize(kConventionalSize);
    im.writable.resize(kConventionalSize);
    im.w1c.resize(kConventionalSize);
  }
  im.set(0x00, Width::dword, 0xa1108086);     // vendor 8086, device a110
  im.set(0x04, Width::word, 0x0006);          // command: memory decode, bus master (live)
  im.set(0x06, Width::word, 0x0010);          // status: capability list
  im.set(0x08, Width::dword, 0x06040011);     // class 060400, revision 11
  im.set(0x0e, Width::byte, 0x01);            // header type 1
  im.set(0x34, Width::byte, kPcieCap);        // capability pointer
  im.set(kPcieCap, Width::word, 0x8010);      // PCIe capability, next 0x80
  im.set(kPcieCap + 2, Width::word, 0x0142);  // version 2, root port, slot implemented
  im.set(kDevCtl, Width::word, v.devctl);
  im.set(kLnkCtl, Width::word, v.lnkctl);
  im.set(kSltCtl, Width::word, v.sltctl);
  im.set(kRtCtl, Width::word, v.rtctl);
  im.set(kDevCtl2, Width::word, v.devctl2);
  im.set(kLnkCtl2, Width::word, v.lnkctl2);
  im.rw(kDevCtl, Width::word, 0x7fff);
  im.rw(kLnkCtl, Width::word, 0x0ffb);
  im.rw(kSltCtl, Width::word, 0x77ff);
  im.rw(kRtCtl, Width::word, 0x001f);
  im.rw(kDevCtl2, Width::word, 0xf7ff);
  im.rw(kLnkCtl2, Width::word, 0x002f);
  im.set(kMsixCap, Width::word, 0x0011);  // MSI-X, end of list
  im.set(kMsixCtl, Width::word, v.msixctl);
  im.set(kMsixCap + 4, Width::dword, 0x00002000);  // table: BIR 0, offset 0x2000
  im.set(kMsixCap + 8, Width::dword, 0x00003000);  // PBA: BIR 0, offset 0x3000
  im.rw(kMsixCtl, Width::word, 0xc000);
  if (v.extended) {
    im.set(kLtrCap, Width::dword, 0x00010018);  // LTR, version 1, end of list
    im.set(kLtrLat, Width::dword, v.ltr);
    im.rw(kLtrLat, Width::dword, 0x1fff1fff);
  }
  return im;
}

/// One MSI-X table entry's four dwords.
struct Entry {
  std::uint32_t address_lo = 0;      ///< message address, low
  std::uint32_t address_hi = 0;      ///< message address, high
  std::uint32_t data = 0;            ///< message data
  std::uint32_t vector_control = 0;  ///< bit 0: vector masked
};

/// The table the tests save: four programmed vectors, the last one masked.
inline std::vector<Entry> saved_table() {
  return {{0xfee00000, 0, 0x4020, 0},
          {0xfee01000, 0, 0x4021, 0},
          {0xfee02000, 0, 0x4022, 0},
          {0xfee03000, 0, 0x4023, 1}};
}

/// Adds `image` at `address` to `source`, with a BAR 0 holding `table` (when not empty).
inline void add_device(ModelSource& source, const PciAddress& address, const Image& image,
                       const std::vector<Entry>& table) {
  source.add(address, image.bytes, image.writable, image.w1c);
  if (table.empty()) {
    return;
  }
  source.add_bar(address, 0, 0x4000);
  std::span<std::uint8_t> bar = source.bar_bytes(address, 0);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const std::uint32_t words[4] = {table[i].address_lo, table[i].address_hi, table[i].data,
                                    table[i].vector_control};
    for (std::size_t w = 0; w < 4; ++w) {
      for (unsigned b = 0; b < 4; ++b) {
        bar[kTable + 16 * i + 4 * w + b] = static_cast<std::uint8_t>(words[w] >> (8 * b));
      }
    }
  }
}

/// A registry holding the three shipped plugins, plus `more` (in that order).
inline Registry shipped(std::vector<std::shared_ptr<const Plugin>> more = {}) {
  std::vector<std::shared_ptr<const Plugin>> plugins{std::make_shared<pcie::PciePlugin>(),
                                                     std::make_shared<msix::MsixPlugin>(),
                                                     std::make_shared<ltr::LtrPlugin>()};
  plugins.insert(plugins.end(), more.begin(), more.end());
  return Registry::from_plugins(std::move(plugins));
}

/// Saves `image` (and `table`) as device `address` with `registry`, in a model of its own.
inline DeviceSection save_image(const Image& image, const std::vector<Entry>& table,
                                const Registry& registry, const PciAddress& address = kPort) {
  ModelSource source;
  add_device(source, address, image, table);
  Device device = source.open(address);
  core::SaveReport report;
  return core::save_device(device, registry, {}, report);
}

/// The common restore setup: the port with default values saved by `registry`, and a model of
/// its own holding the port as `now`, opened as `device`.
struct PortRestore {
  /// Saves port_image({}) (with `saved_vectors`) with `reg`; adds `now` (with `now_vectors`).
  PortRestore(Registry reg, const Image& now, const std::vector<Entry>& saved_vectors = {},
              const std::vector<Entry>& now_vectors = {})
      : registry(std::move(reg)),
        saved(save_image(port_image({}), saved_vectors, registry)),
        device(open(source, now, now_vectors)) {}

  /// The plan restoring `saved` onto `device` with default options.
  DevicePlan plan() { return core::plan_restore(device, saved, registry, {}); }

  Registry registry;    ///< the plugins saving and restoring
  DeviceSection saved;  ///< what was saved from the port with default values
  ModelSource source;   ///< the model holding the port now
  Device device;        ///< the port in `source`

 private:
  static Device open(ModelSource& source, const Image& image, const std::vector<Entry>& table) {
    add_device(source, kPort, image, table);
    return source.open(kPort);
  }
};

/// Reads `width` bytes little-endian from `bytes` at `offset`.
inline std::uint32_t value_at(std::span<const std::uint8_t> bytes, std::uint16_t offset,
                              Width width) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < width_bytes(width); ++i) {
    v |= static_cast<std::uint32_t>(bytes[offset + i]) << (8 * i);
  }
  return v;
}

/// Counts as {8-bit, 16-bit, 32-bit} reads or writes, for EXPECT_EQ.
inline std::vector<std::uint64_t> by_width(const std::array<std::uint64_t, 3>& counts) {
  return {counts[0], counts[1], counts[2]};
}

}  // namespace capstate::restoretest
