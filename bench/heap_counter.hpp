// Live and peak heap bytes, counted by replacing the global operator new/delete (opt-in).
#pragma once

#include <cstddef>

namespace capstate::bench {

/// Starts counting: live bytes start at 0 and the peak is reset.
void heap_start();
/// Stops counting and returns the peak of live bytes since heap_start().
std::size_t heap_stop();
/// Allocations made between the last heap_start() and heap_stop().
std::size_t heap_allocations();
/// Peak resident set size of this process so far (getrusage ru_maxrss), in bytes.
std::size_t peak_rss_bytes();

}  // namespace capstate::bench
