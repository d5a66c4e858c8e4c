// Base class of every backend's ConfigSpace: bounds and alignment checks, access counting.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/config_space.hpp"

namespace capstate::core {

/// Reads and writes done through one ConfigSpace, by width.
struct AccessCounts {
  std::array<std::uint64_t, 3> reads{};   ///< index 0: 8-bit, 1: 16-bit, 2: 32-bit
  std::array<std::uint64_t, 3> writes{};  ///< same indexing as reads

  /// Total reads of any width.
  std::uint64_t total_reads() const { return reads[0] + reads[1] + reads[2]; }
  /// Total writes of any width.
  std::uint64_t total_writes() const { return writes[0] + writes[1] + writes[2]; }
  /// Index into reads/writes for a width.
  static constexpr std::size_t index(Width w) {
    return w == Width::byte ? 0 : (w == Width::word ? 1 : 2);
  }
  /// Counts one read of width `w`.
  void count_read(Width w) { ++reads[index(w)]; }
  /// Counts one write of width `w`.
  void count_write(Width w) { ++writes[index(w)]; }
  /// Adds another set of counts to this one.
  AccessCounts& operator+=(const AccessCounts& other) {
    for (std::size_t i = 0; i < reads.size(); ++i) {
      reads[i] += other.reads[i];
      writes[i] += other.writes[i];
    }
    return *this;
  }
};

/// Checks every access (range, alignment), counts it, then calls the backend's do_read/do_write.
class CountedConfigSpace : public ConfigSpace {
 public:
  std::uint32_t read(std::uint16_t offset, Width width) final;
  void write(std::uint16_t offset, Width width, std::uint32_t value) final;

  /// Accesses done so far.
  const AccessCounts& counts() const { return counts_; }
  /// Sets all counters back to zero.
  void reset_counts() { counts_ = {}; }

 protected:
  /// Backend read; offset and width are already checked.
  virtual std::uint32_t do_read(std::uint16_t offset, Width width) = 0;
  /// Backend write; offset and width are already checked.
  virtual void do_write(std::uint16_t offset, Width width, std::uint32_t value) = 0;

 private:
  void check(std::uint16_t offset, Width width, const char* what) const;
  AccessCounts counts_;
};

}  // namespace capstate::core
