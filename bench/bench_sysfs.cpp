// Benchmark 2, in-process half: save_device with every in-tree plugin over this machine's /sys
// (reads only), with the config reads per device (through the save's dword cache, and without
// it: what a save read before the cache) next to what `lspci -xxxx` makes the kernel read (the
// whole config file), and the median in-process time of saving every device.
//
// Usage: capstate_bench_sysfs [SYSFS_ROOT] [REPEAT]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "backends/sysfs_source.hpp"
#include "dispatch/device_save.hpp"
#include "typical_endpoint.hpp"

namespace capstate::bench {
namespace {

int run(const std::filesystem::path& root, int repeat) {
  core::SysfsSource source{root};
  const core::Registry registry = in_tree_registry();
  const std::vector<core::PciAddress> addresses = source.addresses();
  std::printf("%-14s %6s %5s %8s %8s %12s\n", "device", "size", "recs", "uncached", "reads",
              "lspci reads");
  std::uint64_t uncached = 0, ours = 0, theirs = 0;
  for (const core::PciAddress& a : addresses) {
    core::SaveReport report;
    std::uint64_t asked = 0;
    {
      core::Device dev = source.open(a);
      (void)core::save_device(dev, registry, {.cache_reads = false}, report);
      asked = dev.config->counts().total_reads();
    }
    core::Device dev = source.open(a);
    const core::DeviceSection s = core::save_device(dev, registry, {}, report);
    const std::uint64_t reads = dev.config->counts().total_reads();
    // lspci -xxxx reads the whole config file; the kernel splits it into dword accesses.
    const std::uint64_t lspci = dev.config->size() / 4;
    std::printf("%-14s %6u %5zu %8llu %8llu %12llu\n", a.str().c_str(), dev.config->size(),
                s.records.size(), static_cast<unsigned long long>(asked),
                static_cast<unsigned long long>(reads), static_cast<unsigned long long>(lspci));
    uncached += asked;
    ours += reads;
    theirs += lspci;
  }
  std::printf("%-14s %6s %5s %8llu %8llu %12llu   (reads ratio %.3f)\n", "total", "", "",
              static_cast<unsigned long long>(uncached), static_cast<unsigned long long>(ours),
              static_cast<unsigned long long>(theirs),
              static_cast<double>(ours) / static_cast<double>(theirs));
  // Alternating, so both see the same conditions: the save as it is, and without the cache.
  std::vector<double> cached_us, uncached_us;
  for (int r = 0; r < repeat; ++r) {
    for (const bool cache : {true, false}) {
      const auto start = std::chrono::steady_clock::now();
      for (const core::PciAddress& a : addresses) {
        core::Device dev = source.open(a);
        core::SaveReport report;
        core::save_device(dev, registry, {.cache_reads = cache}, report);
      }
      (cache ? cached_us : uncached_us)
          .push_back(
              std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                  .count());
    }
  }
  std::sort(cached_us.begin(), cached_us.end());
  std::sort(uncached_us.begin(), uncached_us.end());
  std::printf(
      "in-process save of all %zu devices (open + save_device, no file): median %.1f us, "
      "min %.1f us (%d runs); without the dword cache: median %.1f us, min %.1f us\n",
      addresses.size(), cached_us[cached_us.size() / 2], cached_us.front(), repeat,
      uncached_us[uncached_us.size() / 2], uncached_us.front());
  return 0;
}

}  // namespace
}  // namespace capstate::bench

int main(int argc, char** argv) {
  try {
    return capstate::bench::run(argc > 1 ? argv[1] : "/sys",
                                argc > 2 ? std::max(1, std::atoi(argv[2])) : 31);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstate_bench_sysfs: %s\n", e.what());
    return 1;
  }
}
