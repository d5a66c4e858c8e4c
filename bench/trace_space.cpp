// TraceSpace: records accesses on their way to another ConfigSpace.
#include "trace_space.hpp"

#include <set>
#include <utility>

namespace capstate::bench {

TraceSpace::TraceSpace(std::unique_ptr<core::CountedConfigSpace> inner)
    : inner_(std::move(inner)) {}

std::uint32_t TraceSpace::do_read(std::uint16_t offset, Width width) {
  log_.push_back({offset, width, false});
  return inner_->read(offset, width);
}

void TraceSpace::do_write(std::uint16_t offset, Width width, std::uint32_t value) {
  log_.push_back({offset, width, true});
  inner_->write(offset, width, value);
}

std::size_t TraceSpace::distinct(bool write) const {
  std::set<std::pair<std::uint16_t, unsigned>> seen;
  for (const Access& a : log_) {
    if (a.write == write) {
      seen.emplace(a.offset, width_bytes(a.width));
    }
  }
  return seen.size();
}

std::size_t TraceSpace::distinct_reads() const {
  return distinct(false);
}

std::size_t TraceSpace::distinct_writes() const {
  return distinct(true);
}

std::size_t TraceSpace::distinct_dwords_read() const {
  std::set<unsigned> dwords;
  for (const Access& a : log_) {
    if (!a.write) {
      for (unsigned at = a.offset; at < a.offset + width_bytes(a.width); ++at) {
        dwords.insert(at / 4);
      }
    }
  }
  return dwords.size();
}

void TraceSpace::clear() {
  log_.clear();
  reset_counts();
}

}  // namespace capstate::bench
