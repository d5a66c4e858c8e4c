// Test fixture: a ConfigSpace over a byte vector that counts reads by width and refuses writes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capstate/sdk/access.hpp"
#include "capstate/sdk/config_space.hpp"

namespace capstate::test {

/// Reads done through a VectorConfigSpace: {8-bit, 16-bit, 32-bit}.
using ReadCounts = std::array<unsigned, 3>;

/// A little-endian configuration space image in memory; any size, so tests can shrink it.
class VectorConfigSpace : public ConfigSpace {
 public:
  /// An all-zero image of `size` bytes named `name`.
  explicit VectorConfigSpace(std::size_t size, std::string name = "0000:00:03.0")
      : bytes_(size, 0), name_(std::move(name)) {}
  /// An image holding `bytes` named `name`.
  VectorConfigSpace(std::vector<std::uint8_t> bytes, std::string name)
      : bytes_(std::move(bytes)), name_(std::move(name)) {}

  std::uint16_t size() const override { return static_cast<std::uint16_t>(bytes_.size()); }
  std::string device_name() const override { return name_; }

  std::uint32_t read(std::uint16_t offset, Width width) override {
    const unsigned n = width_bytes(width);
    if (offset % n != 0 || offset + n > bytes_.size()) {
      throw AccessError(name_ + ": bad read of " + std::to_string(n) + " bytes at " +
                        std::to_string(offset));
    }
    if (fail_at_ && *fail_at_ == offset) {
      throw AccessError(name_ + ": injected read failure at " + std::to_string(offset));
    }
    ++reads_[n == 1 ? 0 : (n == 2 ? 1 : 2)];
    std::uint32_t value = 0;
    for (unsigned i = 0; i < n; ++i) {
      value |= static_cast<std::uint32_t>(bytes_[offset + i]) << (8 * i);
    }
    return value;
  }

  void write(std::uint16_t offset, Width, std::uint32_t) override {
    ++writes_;
    throw AccessError(name_ + ": the discovery fixture is read-only (write at " +
                      std::to_string(offset) + ")");
  }

  /// Stores the low `bytes` bytes of `value` at `offset` (image building, not counted).
  void put(std::uint16_t offset, unsigned bytes, std::uint32_t value) {
    for (unsigned i = 0; i < bytes; ++i) {
      bytes_.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
    }
  }
  /// Stores one byte.
  void put8(std::uint16_t offset, std::uint8_t value) { put(offset, 1, value); }
  /// Stores one little-endian 16-bit word.
  void put16(std::uint16_t offset, std::uint16_t value) { put(offset, 2, value); }
  /// Stores one little-endian 32-bit dword.
  void put32(std::uint16_t offset, std::uint32_t value) { put(offset, 4, value); }

  /// Sets Status bit 0x10 (capability list present) and the header type.
  void set_cap_list(std::uint8_t header_type = 0) {
    put16(0x06, 0x0010);
    put8(0x0e, header_type);
  }
  /// Writes a standard capability header: ID at `offset`, next pointer at `offset` + 1.
  void add_standard(std::uint16_t offset, std::uint8_t id, std::uint8_t next) {
    put16(offset, static_cast<std::uint16_t>(id | (next << 8)));
  }
  /// Writes an extended capability header: ID 15:0, version 19:16, next 31:20.
  void add_extended(std::uint16_t offset, std::uint16_t id, std::uint8_t version,
                    std::uint16_t next) {
    put32(offset, id | (static_cast<std::uint32_t>(version & 0xf) << 16) |
                      (static_cast<std::uint32_t>(next) << 20));
  }

  /// Makes reads at `offset` throw AccessError.
  void fail_reads_at(std::uint16_t offset) { fail_at_ = offset; }
  /// Reads done so far, by width.
  const ReadCounts& reads() const { return reads_; }
  /// Forgets the reads counted so far.
  void clear_counts() { reads_ = {}; }
  /// Writes attempted so far (every one throws).
  unsigned writes() const { return writes_; }
  /// The image.
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::string name_;
  ReadCounts reads_{};
  unsigned writes_ = 0;
  std::optional<std::uint16_t> fail_at_;
};

}  // namespace capstate::test
