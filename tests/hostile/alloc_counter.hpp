// Counts the bytes of the largest single heap allocation, so a test can show that a lying length
// in a state file never made the reader allocate for it.
#pragma once

#include <cstddef>

namespace capstate::hostile {

/// Starts a new measurement.
void reset_largest_allocation();
/// The largest size passed to operator new since the last reset.
std::size_t largest_allocation();

}  // namespace capstate::hostile
