// In-memory devices with per-byte writable and write-1-to-clear masks, for tests and dry runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/device_source.hpp"

namespace capstate::core {

/// Devices held in memory that behave like hardware on writes; all opens share the same bytes.
class ModelSource final : public DeviceSource {
 public:
  ModelSource();
  ~ModelSource() override;
  ModelSource(ModelSource&&) noexcept;
  ModelSource& operator=(ModelSource&&) noexcept;

  /// Adds a device; `config` is 256 or 4096 bytes and the masks are the same size (bit 1 =
  /// writable / write-1-to-clear). Throws std::invalid_argument on bad sizes or a repeated address.
  void add(PciAddress address, std::vector<std::uint8_t> config,
           std::vector<std::uint8_t> writable_mask, std::vector<std::uint8_t> w1c_mask);
  /// Adds a device whose bytes are all read-only (all-zero writable and W1C masks).
  void add(PciAddress address, std::vector<std::uint8_t> config);
  /// Gives a device `size` bytes (a multiple of 4, zero-filled) of memory behind BAR `bar` (0-5).
  void add_bar(PciAddress address, std::uint8_t bar, std::size_t size);

  /// "in-memory model (N devices)".
  std::string describe() const override;
  /// Every device added, sorted.
  std::vector<PciAddress> addresses() override;
  /// Config and BAR spaces over the shared model storage; AccessError when not added.
  Device open(const PciAddress& address) override;
  /// Always false.
  bool writes_hardware() const override { return false; }

  /// Current configuration bytes of a device.
  std::span<const std::uint8_t> bytes(PciAddress address) const;
  /// Memory behind a BAR of a device, writable for test setup.
  std::span<std::uint8_t> bar_bytes(PciAddress address, std::uint8_t bar);
  /// Running total of config accesses over every ConfigSpace opened on a device.
  AccessCounts counts(PciAddress address) const;
  /// Running totals of BAR dword accesses on a device (reads[2] / writes[2]).
  AccessCounts bar_counts(PciAddress address) const;

 private:
  struct Model;
  Model& model(const PciAddress& address) const;
  std::map<PciAddress, std::unique_ptr<Model>> models_;
};

}  // namespace capstate::core
