// Small vector-backed ConfigSpace and BarSpace fakes that log every access (engine and plugin
// tests).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "capstate/sdk/bar_space.hpp"
#include "capstate/sdk/config_space.hpp"

namespace capstate::testing {

/// Configuration space held in a byte vector; counts reads by width and logs each read.
class FakeConfigSpace final : public ConfigSpace {
 public:
  /// A zero-filled space of `size` bytes named `name`.
  explicit FakeConfigSpace(std::uint16_t size = kExtendedSize, std::string name = "fake")
      : bytes_(size, 0), name_(std::move(name)) {}

  std::uint16_t size() const override { return static_cast<std::uint16_t>(bytes_.size()); }
  std::string device_name() const override { return name_; }
  std::uint32_t read(std::uint16_t offset, Width width) override {
    const unsigned n = width_bytes(width);
    if (offset % n != 0 || offset + n > bytes_.size()) {
      throw AccessError(name_ + ": bad read at " + std::to_string(offset));
    }
    std::uint32_t v = 0;
    for (unsigned i = 0; i < n; ++i) {
      v |= static_cast<std::uint32_t>(bytes_[offset + i]) << (8 * i);
    }
    ++reads_by_width[n == 1 ? 0 : (n == 2 ? 1 : 2)];
    log.emplace_back(offset, width);
    return v;
  }
  void write(std::uint16_t offset, Width width, std::uint32_t value) override {
    set(offset, width, value);
    ++writes;
  }

  /// Test setup: stores `value` little-endian without counting an access.
  void set(std::uint16_t offset, Width width, std::uint32_t value) {
    for (unsigned i = 0; i < width_bytes(width); ++i) {
      bytes_.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
    }
  }
  /// Total reads of any width.
  unsigned total_reads() const { return reads_by_width[0] + reads_by_width[1] + reads_by_width[2]; }
  /// Forgets every counted access.
  void reset() {
    reads_by_width = {};
    writes = 0;
    log.clear();
  }

  std::array<unsigned, 3> reads_by_width{};          ///< 8-, 16-, 32-bit reads
  unsigned writes = 0;                               ///< writes of any width
  std::vector<std::pair<std::uint16_t, Width>> log;  ///< every read, in order

 private:
  std::vector<std::uint8_t> bytes_;
  std::string name_;
};

/// BAR memory as dword vectors per BAR; counts reads.
class FakeBarSpace final : public BarSpace {
 public:
  /// Gives BAR `bar` `bytes` bytes of zeroed memory.
  void add(std::uint8_t bar, std::size_t bytes) { bars_[bar].assign(bytes / 4, 0); }
  /// Test setup: stores a dword without counting an access.
  void set(std::uint8_t bar, std::uint64_t offset, std::uint32_t v) {
    bars_.at(bar).at(offset / 4) = v;
  }

  bool has_bar(std::uint8_t bar) const override { return bars_.count(bar) != 0; }
  std::uint64_t bar_size(std::uint8_t bar) const override {
    return has_bar(bar) ? bars_.at(bar).size() * 4 : 0;
  }
  std::uint32_t read32(std::uint8_t bar, std::uint64_t offset) override {
    if (!has_bar(bar) || offset % 4 != 0 || offset + 4 > bar_size(bar)) {
      throw AccessError("fake BAR " + std::to_string(bar) + ": bad read at " +
                        std::to_string(offset));
    }
    ++reads;
    return bars_.at(bar)[offset / 4];
  }
  void write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) override {
    bars_.at(bar).at(offset / 4) = value;
    ++writes;
  }

  unsigned reads = 0;   ///< dword reads done
  unsigned writes = 0;  ///< dword writes done

 private:
  std::map<std::uint8_t, std::vector<std::uint32_t>> bars_;
};

}  // namespace capstate::testing
