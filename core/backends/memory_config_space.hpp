// A ConfigSpace over bytes held in memory (used by the dump, image and model backends).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/counted_config_space.hpp"

namespace capstate::core {

/// Bytes of one device held in memory, shared by every ConfigSpace opened on it.
struct MemoryDevice {
  std::string name;                    ///< canonical address, for messages
  std::vector<std::uint8_t> bytes;     ///< the configuration space: 256 or 4096 bytes
  std::vector<std::uint8_t> writable;  ///< per-byte writable bits; empty means all writable
  std::vector<std::uint8_t> w1c;       ///< per-byte write-1-to-clear bits; empty means none
  std::size_t held = 0;                ///< bytes actually known; accesses beyond them throw
  std::string beyond_held_hint;        ///< why bytes past `held` are unknown and what to do
  AccessCounts totals;                 ///< running total over every ConfigSpace opened on it
};

/// Applies hardware write semantics to one byte: read-only bits keep `old`, writable bits take
/// `value`, write-1-to-clear bits are cleared where `value` has a 1.
std::uint8_t merge_written_byte(std::uint8_t old, std::uint8_t value, std::uint8_t writable,
                                std::uint8_t w1c);

/// ConfigSpace reading and writing a MemoryDevice; it must outlive this object.
class MemoryConfigSpace final : public CountedConfigSpace {
 public:
  /// Opens `device` (not owned).
  explicit MemoryConfigSpace(MemoryDevice& device) : device_(device) {}

  /// Size of the held bytes (256 or 4096).
  std::uint16_t size() const override { return static_cast<std::uint16_t>(device_.bytes.size()); }
  /// The device's canonical address.
  std::string device_name() const override { return device_.name; }

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override;
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override;

 private:
  void check_held(std::uint16_t offset, Width width, const char* what) const;
  MemoryDevice& device_;
};

}  // namespace capstate::core
