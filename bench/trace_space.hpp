// A ConfigSpace that records every access it passes on to another one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/counted_config_space.hpp"

namespace capstate::bench {

/// One access seen by a TraceSpace.
struct Access {
  std::uint16_t offset = 0;   ///< configuration-space offset
  Width width = Width::word;  ///< access width
  bool write = false;         ///< write (true) or read (false)
};

/// Passes every access to `inner` (owned) and records it, in order.
class TraceSpace final : public core::CountedConfigSpace {
 public:
  /// Wraps `inner`, which must not be null.
  explicit TraceSpace(std::unique_ptr<core::CountedConfigSpace> inner);

  /// Size of the inner space.
  std::uint16_t size() const override { return inner_->size(); }
  /// Name of the inner space's device.
  std::string device_name() const override { return inner_->device_name(); }

  /// Every access so far, in order.
  const std::vector<Access>& accesses() const { return log_; }
  /// Distinct registers (offset and width) read so far.
  std::size_t distinct_reads() const;
  /// Distinct registers (offset and width) written so far.
  std::size_t distinct_writes() const;
  /// Distinct aligned dwords that the reads so far touch (the fewest dword reads that cover them).
  std::size_t distinct_dwords_read() const;
  /// Forgets the recorded accesses and the counts.
  void clear();

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override;
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override;

 private:
  std::size_t distinct(bool write) const;
  std::unique_ptr<core::CountedConfigSpace> inner_;
  std::vector<Access> log_;
};

}  // namespace capstate::bench
