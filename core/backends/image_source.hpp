// One device read from a raw binary image of its configuration space (256 or 4096 bytes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/device_source.hpp"

namespace capstate::core {

struct MemoryDevice;

/// A raw configuration-space image as a one-device source (no BAR access; writes stay in memory).
class ImageSource final : public DeviceSource {
 public:
  /// Reads `file`, which must hold exactly 256 or 4096 bytes; the device appears at `address`.
  explicit ImageSource(const std::filesystem::path& file, PciAddress address = {});
  ~ImageSource() override;
  ImageSource(ImageSource&&) noexcept;
  ImageSource& operator=(ImageSource&&) noexcept;

  /// "raw image <file>".
  std::string describe() const override;
  /// The one address given to the constructor.
  std::vector<PciAddress> addresses() override;
  /// A ConfigSpace over the in-memory copy (bars null); AccessError for another address.
  Device open(const PciAddress& address) override;
  /// Always false: writes change only the copy in memory.
  bool writes_hardware() const override { return false; }

  /// Writes the current (possibly changed) bytes to `out` atomically.
  void write_image(const std::filesystem::path& out) const;
  /// The device's current bytes.
  std::span<const std::uint8_t> bytes() const;
  /// Running total of accesses over every ConfigSpace opened on the device.
  AccessCounts counts() const;
  /// Same as counts(); `address` must be the image's address.
  AccessCounts counts(const PciAddress& address) const;

 private:
  std::filesystem::path file_;
  PciAddress address_;
  std::unique_ptr<MemoryDevice> memory_;
};

}  // namespace capstate::core
