// libFuzzer target: discovery over an arbitrary configuration image, then a full save of it
// through the real plugins (which read registers and, for vector tables, BAR memory).
//
// Input: the first 4096 bytes are the configuration space (inputs of at most 256 bytes make a
// conventional 256-byte device; shorter inputs are zero-padded). Any bytes after 4096 fill the
// memory of BARs 0-5 (16 KiB each, repeated); without them the device has no BAR memory.
// The device lives in an in-memory model: nothing reaches a file or real hardware. Neither
// discovery nor save may write a single register; the fuzzer aborts if one does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "backends/memory_config_space.hpp"
#include "backends/model_source.hpp"
#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "fuzz_registry.hpp"

namespace {

using namespace capstate;

constexpr std::size_t kConventional = 256;
constexpr std::size_t kExtended = 4096;
constexpr std::size_t kBarBytes = 16 * 1024;

[[noreturn]] void wrote_register(const char* phase, std::uint64_t config, std::uint64_t bar) {
  std::fprintf(stderr, "fuzz_discovery: %s wrote %llu config and %llu BAR registers\n", phase,
               static_cast<unsigned long long>(config), static_cast<unsigned long long>(bar));
  std::abort();
}

// Discovery alone on a MemoryConfigSpace: must not throw (all bytes are held) nor write.
void walk(std::vector<std::uint8_t> bytes) {
  core::MemoryDevice memory;
  memory.name = "0000:00:00.0";
  memory.bytes = std::move(bytes);
  memory.held = memory.bytes.size();
  core::MemoryConfigSpace config(memory);
  const core::DiscoveryResult found = core::discover(config);
  for (const Capability& cap : found.capabilities) {
    if (cap.offset >= memory.bytes.size()) {
      std::fprintf(stderr, "fuzz_discovery: capability at 0x%x beyond %zu bytes\n", cap.offset,
                   memory.bytes.size());
      std::abort();
    }
  }
  if (memory.totals.total_writes() != 0) {
    wrote_register("discover()", memory.totals.total_writes(), 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::Registry& registry = fuzz::build_tree_registry();
  const std::size_t config_size = size <= kConventional ? kConventional : kExtended;
  std::vector<std::uint8_t> config(config_size, 0);
  std::copy_n(data, std::min(size, config_size), config.begin());
  walk(config);

  const core::PciAddress address{};
  core::ModelSource source;
  source.add(address, config);
  if (size > kExtended) {
    const std::size_t tail = size - kExtended;
    for (std::uint8_t bar = 0; bar < 6; ++bar) {
      source.add_bar(address, bar, kBarBytes);
      std::span<std::uint8_t> mem = source.bar_bytes(address, bar);
      for (std::size_t i = 0; i < mem.size(); ++i) {
        mem[i] = data[kExtended + (bar * kBarBytes + i) % tail];
      }
    }
  }

  core::Device device = source.open(address);
  core::SaveReport report;
  try {
    (void)core::save_device(device, registry, core::SaveOptions{}, report);
  } catch (const std::runtime_error&) {
    // Refusals (plugin failures, accesses beyond BAR memory, engine checks) are fine.
  }
  const core::AccessCounts config_counts = source.counts(address);
  const core::AccessCounts bar_counts = source.bar_counts(address);
  if (config_counts.total_writes() != 0 || bar_counts.total_writes() != 0) {
    wrote_register("save_device()", config_counts.total_writes(), bar_counts.total_writes());
  }
  return 0;
}
