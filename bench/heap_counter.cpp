// Replaces the global operator new/delete of the benchmark binary (and so of libcapstate, which
// resolves them from the executable) to count live heap bytes while counting is on.
#include "heap_counter.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace capstate::bench {
namespace {

std::atomic<bool> counting{false};
std::atomic<long long> live{0};
std::atomic<long long> peak{0};
std::atomic<std::size_t> allocations{0};

void* allocate(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  if (counting.load(std::memory_order_relaxed)) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    const long long now =
        live.fetch_add(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed) +
        static_cast<long long>(malloc_usable_size(p));
    long long seen = peak.load(std::memory_order_relaxed);
    while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  }
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr) {
    return;
  }
  if (counting.load(std::memory_order_relaxed)) {
    // Blocks allocated before counting started make live go negative; the peak is still right
    // for what the measured operation allocates on top of what it frees.
    live.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
  std::free(p);
}

}  // namespace

void heap_start() {
  live.store(0);
  peak.store(0);
  allocations.store(0);
  counting.store(true);
}

std::size_t heap_stop() {
  counting.store(false);
  return static_cast<std::size_t>(peak.load());
}

std::size_t heap_allocations() {
  return allocations.load();
}

std::size_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss) * 1024;
}

}  // namespace capstate::bench

void* operator new(std::size_t n) {
  return capstate::bench::allocate(n);
}
void* operator new[](std::size_t n) {
  return capstate::bench::allocate(n);
}
void operator delete(void* p) noexcept {
  capstate::bench::release(p);
}
void operator delete[](void* p) noexcept {
  capstate::bench::release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  capstate::bench::release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  capstate::bench::release(p);
}
