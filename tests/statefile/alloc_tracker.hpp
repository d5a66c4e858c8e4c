// Records the largest single heap allocation, so tests can prove a lying length allocated nothing
// big.
#pragma once

#include <cstddef>

namespace capstate::test {

/// Forgets the largest allocation seen so far.
void reset_largest_allocation();
/// The largest size passed to operator new since the last reset.
std::size_t largest_allocation();

}  // namespace capstate::test
