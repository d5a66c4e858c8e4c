// Benchmark 3, scale: save, encode, decode, migrate (schema 1 -> 2) and restore of 1k/10k/100k
// typical endpoints held in memory; time per device, complexity fit and peak heap.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dispatch/save_state.hpp"
#include "heap_counter.hpp"
#include "migration/migrate.hpp"
#include "restore/restore_run.hpp"
#include "statefile/codec.hpp"
#include "typical_endpoint.hpp"

namespace capstate::bench {
namespace {

/// The devices of one size and what the benchmarks need of them, built once per size.
struct World {
  std::size_t n = 0;
  core::ModelSource source;
  std::vector<core::PciAddress> addresses;
  core::StateFile file;             // saved at the plugins' current schemas
  std::vector<std::uint8_t> bytes;  // `file` encoded
  core::StateFile old_file;         // every record migrated down to schema 1
};

const core::Registry& registry() {
  static const core::Registry r = shipped_registry();
  return r;
}

const core::PluginEntry& entry_of(const Record& record) {
  const core::PluginEntry* e = registry().find(record.plugin);
  if (e == nullptr) {
    throw std::runtime_error("benchmark: no plugin '" + record.plugin + "'");
  }
  return *e;
}

const Plugin& plugin_of(const Record& record) {
  return *entry_of(record).plugin;
}

World& world(std::size_t n) {
  static std::unique_ptr<World> w;
  if (w && w->n == n) {
    return *w;
  }
  w.reset();  // free the previous size first: 100k devices hold about 1.3 GB
  w = std::make_unique<World>();
  w->n = n;
  for (std::size_t i = 0; i < n; ++i) {
    w->addresses.push_back(nth_address(i));
    add_endpoint(w->source, w->addresses.back(), static_cast<std::uint32_t>(i));
  }
  core::SaveReport report;
  w->file = core::save_state(w->source, w->addresses, registry(), {}, report);
  w->bytes = core::encode_state(w->file);
  w->old_file = w->file;
  for (core::DeviceSection& s : w->old_file.devices) {
    for (Record& r : s.records) {
      r = core::migrate_record(plugin_of(r), r, 1, true, "capstate bench").record;
    }
  }
  return *w;
}

/// Per-device time, complexity N and, from one extra counted run, the peak heap per device.
template <typename Op>
void finish(benchmark::State& state, std::size_t n, Op op) {
  state.SetComplexityN(static_cast<benchmark::IterationCount>(n));
  state.counters["per_device"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
  heap_start();
  op();
  const std::size_t peak = heap_stop();
  state.counters["heap_B/dev"] = static_cast<double>(peak) / static_cast<double>(n);
  state.counters["allocs/dev"] = static_cast<double>(heap_allocations()) / static_cast<double>(n);
  state.counters["maxrss_MB"] = static_cast<double>(peak_rss_bytes()) / (1024.0 * 1024.0);
}

void BM_Save(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  auto op = [&] {
    core::SaveReport report;
    core::StateFile f = core::save_state(w.source, w.addresses, registry(), {}, report);
    benchmark::DoNotOptimize(f);
  };
  for (auto _ : state) {
    op();
  }
  finish(state, w.n, op);
}

void BM_Encode(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  auto op = [&] {
    std::vector<std::uint8_t> b = core::encode_state(w.file);
    benchmark::DoNotOptimize(b);
  };
  for (auto _ : state) {
    op();
  }
  state.counters["file_B/dev"] = static_cast<double>(w.bytes.size()) / static_cast<double>(w.n);
  finish(state, w.n, op);
}

void BM_Decode(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  auto op = [&] {
    core::StateFile f = core::decode_state(w.bytes, "benchmark state file");
    benchmark::DoNotOptimize(f);
  };
  for (auto _ : state) {
    op();
  }
  finish(state, w.n, op);
}

// Migration through the registry entry, whose layout fingerprints were computed at load time.
void BM_Migrate(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  auto op = [&] {
    core::StateFile f = w.old_file;  // as `capstate migrate` does: rewrite a copy
    for (core::DeviceSection& s : f.devices) {
      for (Record& r : s.records) {
        const core::PluginEntry& e = entry_of(r);
        r = core::migrate_record(e, r, e.current_schema, false, "capstate bench").record;
      }
    }
    benchmark::DoNotOptimize(f);
  };
  for (auto _ : state) {
    op();
  }
  finish(state, w.n, op);
}

// The same through the Plugin& overload, which fingerprints every layout it meets afresh.
void BM_MigratePlugin(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  auto op = [&] {
    core::StateFile f = w.old_file;
    for (core::DeviceSection& s : f.devices) {
      for (Record& r : s.records) {
        const Plugin& p = plugin_of(r);
        r = core::migrate_record(p, r, p.info().current_schema, false, "capstate bench").record;
      }
    }
    benchmark::DoNotOptimize(f);
  };
  for (auto _ : state) {
    op();
  }
  finish(state, w.n, op);
}

/// Restores every device of `w` (reset first, untimed) with `restore`, which returns the
/// writes done; checks that every device verified.
template <typename Restore>
void restore_benchmark(benchmark::State& state, World& w, Restore restore) {
  std::size_t writes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const core::PciAddress& a : w.addresses) {
      reset_endpoint(w.source, a);
    }
    state.ResumeTiming();
    writes = restore();
  }
  state.counters["writes/dev"] = static_cast<double>(writes) / static_cast<double>(w.n);
  for (const core::PciAddress& a : w.addresses) {
    reset_endpoint(w.source, a);
  }
  finish(state, w.n, restore);
}

void check(const core::ApplyResult& result) {
  if (!result.mismatches.empty()) {
    throw std::runtime_error("benchmark: restore mismatch: " + result.mismatches.front());
  }
}

// The engine per device: plan_restore + apply_plan (verify on) for each section.
void BM_Restore(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  restore_benchmark(state, w, [&] {
    std::size_t writes = 0;
    for (const core::DeviceSection& s : w.file.devices) {
      core::Device d = w.source.open(s.address);
      const core::DevicePlan plan = core::plan_restore(d, s, registry(), core::RestoreOptions{});
      const core::ApplyResult r = core::apply_plan(d, plan, true);
      check(r);
      writes += r.written;
    }
    return writes;
  });
}

// The whole-file path `capstate restore` takes: plan_restores, then apply_restores.
void BM_RestoreFile(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  restore_benchmark(state, w, [&] {
    std::vector<core::DeviceRestore> r =
        core::plan_restores(w.source, w.file, {}, registry(), core::RestoreOptions{});
    core::apply_restores(r, true);
    std::size_t writes = 0;
    for (const core::DeviceRestore& d : r) {
      check(d.result);
      writes += d.result.written;
    }
    return writes;
  });
}

void sizes(benchmark::internal::Benchmark* b) {
  b->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);
  b->Complexity(benchmark::oN);
}

BENCHMARK(BM_Save)->Apply(sizes);
BENCHMARK(BM_Encode)->Apply(sizes);
BENCHMARK(BM_Decode)->Apply(sizes);
BENCHMARK(BM_Migrate)->Apply(sizes);
BENCHMARK(BM_MigratePlugin)->Apply(sizes);
BENCHMARK(BM_Restore)->Apply(sizes);
// plan_restores looks each section up in the source's address list with a linear search, so this
// path grows as N^2; 100k devices would take minutes per iteration.
BENCHMARK(BM_RestoreFile)
    ->RangeMultiplier(10)
    ->Range(1000, 10000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oNSquared);

}  // namespace
}  // namespace capstate::bench

BENCHMARK_MAIN();
