// Devices read from the text of `lspci -x`, `-xxx` or `-xxxx`; writes change a copy in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backends/device_source.hpp"

namespace capstate::core {

/// An lspci hex dump as a device source (no BAR access; writes stay in memory).
class DumpSource final : public DeviceSource {
 public:
  /// Reads and parses `file`; throws std::runtime_error naming the file and line of any problem.
  explicit DumpSource(const std::filesystem::path& file);
  /// Parses dump text held in memory; `name` stands for the file in messages.
  DumpSource(std::string_view text, std::string name);
  ~DumpSource() override;
  DumpSource(DumpSource&&) noexcept;
  DumpSource& operator=(DumpSource&&) noexcept;

  /// "lspci dump <file>".
  std::string describe() const override;
  /// Every device of the dump, sorted.
  std::vector<PciAddress> addresses() override;
  /// A ConfigSpace over the in-memory copy (bars null); AccessError for an unknown address.
  Device open(const PciAddress& address) override;
  /// Always false: writes change only the copy in memory.
  bool writes_hardware() const override { return false; }

  /// Writes every device (with changes) in lspci's format, same order, address form,
  /// description and byte count as read; replaces `out` atomically.
  void write_dump(const std::filesystem::path& out) const;
  /// The dump text write_dump would write.
  std::string dump_text() const;
  /// Current bytes of a device (its size(): 256 or 4096; bytes the dump lacks read as 0xff).
  std::span<const std::uint8_t> bytes(const PciAddress& address) const;
  /// How many bytes of a device the dump holds (64, 256 or 4096).
  std::size_t held_bytes(const PciAddress& address) const;
  /// Running total of accesses over every ConfigSpace opened on a device.
  AccessCounts counts(const PciAddress& address) const;

 private:
  struct Entry;
  Entry& entry(const PciAddress& address) const;
  std::string name_;
  std::vector<std::unique_ptr<Entry>> entries_;  // in file order
};

}  // namespace capstate::core
