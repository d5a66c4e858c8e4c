// Benchmark 1, accesses: per device of the bundled dumps (and the model endpoint with its MSI-X
// table), with every in-tree plugin, config reads of save and reads/writes of restore next to the
// minimum.
//
// Save: what the save asks for (every register as identity, discovery, claims and each plugin
// read it, SaveOptions::cache_reads = false: a save before the dword cache), the distinct
// registers among them, and the dword reads of a save through its CachedConfigSpace next to
// their minimum, the distinct aligned dwords covering what was asked. The walk part is checked
// against what discovery must read (status, header type, pointer, one read per entry).
// Restore: every saved register's writable bits are cleared first (as a reset leaves them);
// minimum writes = planned registers whose masked bits now differ from the file + plugin
// sequence steps; minimum reads = distinct registers read while planning + one read-back per
// written register.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/dump_source.hpp"
#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "trace_space.hpp"
#include "typical_endpoint.hpp"

namespace capstate::bench {
namespace {

/// One table row.
struct Row {
  std::string device;
  unsigned size = 0;
  std::size_t std_caps = 0, ext_caps = 0, records = 0;
  std::size_t walk = 0, walk_min = 0;
  std::size_t save_asked = 0, save_registers = 0;  // without the dword cache
  std::size_t save_reads = 0, save_min = 0;        // dword reads with it; distinct dwords
  bool same_records = false;                       // both saves gave the same records
  std::size_t plan_reads = 0, verify_reads = 0, restore_read_min = 0;
  std::size_t writes = 0, write_min = 0;
  std::uint64_t bar_save_reads = 0, bar_writes = 0;
  bool restored = false;
};

using Bytes = std::function<std::vector<std::uint8_t>(const core::PciAddress&)>;
using Clobber = std::function<void(core::Device&, const core::DevicePlan&)>;

/// Opens `address` with its config space wrapped in a TraceSpace.
core::Device open_traced(core::DeviceSource& source, const core::PciAddress& address,
                         TraceSpace*& trace) {
  core::Device d = source.open(address);
  auto t = std::make_unique<TraceSpace>(std::move(d.config));
  trace = t.get();
  return core::Device{address, std::move(t), std::move(d.bars), {}, {}};
}

std::uint32_t value_at(const std::vector<std::uint8_t>& bytes, std::uint64_t offset, Width w) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < width_bytes(w); ++i) {
    v |= static_cast<std::uint32_t>(bytes.at(offset + i)) << (8 * i);
  }
  return v;
}

/// Clears the writable bits of every planned config register (what a reset does to them).
void clear_writable_bits(core::Device& device, const core::DevicePlan& plan) {
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.target == Target::config) {
      const auto off = static_cast<std::uint16_t>(w.offset);
      device.config->write(off, w.width, device.config->read(off, w.width) & ~w.mask);
    }
  }
}

Row measure(core::DeviceSource& source, const core::PciAddress& address,
            const core::Registry& registry, const Bytes& bytes, const Clobber& clobber,
            const std::function<core::AccessCounts()>& bar_counts) {
  Row row;
  row.device = address.str();
  {  // what discovery alone reads, and what it must read
    core::Device d = source.open(address);
    row.size = d.config->size();
    const core::DiscoveryResult found = core::discover(*d.config);
    row.walk = d.config->counts().total_reads();
    for (const Capability& c : found.capabilities) {
      (c.kind == CapKind::standard ? row.std_caps : row.ext_caps) += 1;
    }
    const bool list = (d.config->read(0x06, Width::word) & 0x10) != 0;
    row.walk_min = 1 + (list ? 2 + row.std_caps : 0) +
                   (row.size > kConventionalSize ? std::max<std::size_t>(1, row.ext_caps) : 0);
  }
  TraceSpace* trace = nullptr;
  core::SaveReport report;
  core::DeviceSection uncached;
  {
    core::Device asking = open_traced(source, address, trace);
    uncached = core::save_device(asking, registry, {.cache_reads = false}, report);
    row.save_asked = trace->counts().total_reads();
    row.save_registers = trace->distinct_reads();
    row.save_min = trace->distinct_dwords_read();
  }
  const std::uint64_t bar_before = bar_counts().total_reads();
  core::Device saving = open_traced(source, address, trace);
  const core::DeviceSection section = core::save_device(saving, registry, {}, report);
  row.records = section.records.size();
  row.save_reads = trace->counts().total_reads();
  row.same_records = section.records == uncached.records;
  row.bar_save_reads = bar_counts().total_reads() - bar_before;
  const std::vector<std::uint8_t> saved_bytes = bytes(address);

  {  // clobber a copy of the saved registers
    core::Device d = source.open(address);
    clobber(d, core::plan_restore(d, section, registry, {}));
  }
  const std::vector<std::uint8_t> clobbered = bytes(address);
  const std::uint64_t bar_writes_before = bar_counts().total_writes();
  core::Device restoring = open_traced(source, address, trace);
  const core::DevicePlan plan = core::plan_restore(restoring, section, registry, {});
  row.plan_reads = trace->counts().total_reads();
  row.restore_read_min = trace->distinct_reads();
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.target != Target::config) {
      continue;
    }
    const std::uint32_t now = value_at(clobbered, w.offset, w.width);
    row.write_min += w.forced || ((now ^ w.desired) & w.mask & ~w.w1c) != 0;
  }
  trace->clear();
  const core::ApplyResult result = core::apply_plan(restoring, plan, true);
  row.writes = trace->counts().total_writes();
  row.verify_reads = trace->counts().total_reads();
  row.restore_read_min += trace->distinct_writes();
  row.bar_writes = bar_counts().total_writes() - bar_writes_before;
  row.restored = result.mismatches.empty() && bytes(address) == saved_bytes && row.same_records;
  return row;
}

void print_rows(const std::vector<Row>& rows) {
  std::printf("%-14s %4s %5s %3s | %4s %4s | %5s %4s | %5s %4s %4s | %5s %4s %4s | %4s %4s | %3s\n",
              "device", "size", "caps", "rec", "walk", "min", "asked", "regs", "save", "min", "+",
              "rd", "min", "+", "wr", "min", "ok");
  std::size_t asked = 0, regs = 0, save = 0, save_min = 0, rd = 0, rd_min = 0, wr = 0, wr_min = 0;
  for (const Row& r : rows) {
    const std::size_t restore_reads = r.plan_reads + r.verify_reads;
    std::printf(
        "%-14s %4u %2zu/%-2zu %3zu | %4zu %4zu | %5zu %4zu | %5zu %4zu %4zu | %5zu %4zu %4zu | "
        "%4zu %4zu | %3s\n",
        r.device.c_str(), r.size, r.std_caps, r.ext_caps, r.records, r.walk, r.walk_min,
        r.save_asked, r.save_registers, r.save_reads, r.save_min, r.save_reads - r.save_min,
        restore_reads, r.restore_read_min, restore_reads - r.restore_read_min, r.writes,
        r.write_min, r.restored ? "yes" : "NO");
    asked += r.save_asked;
    regs += r.save_registers;
    save += r.save_reads;
    save_min += r.save_min;
    rd += restore_reads;
    rd_min += r.restore_read_min;
    wr += r.writes;
    wr_min += r.write_min;
  }
  std::printf("%-29s | %9s | %5zu %4zu | %5zu %4zu %4zu | %5zu %4zu %4zu | %4zu %4zu |\n", "total",
              "", asked, regs, save, save_min, save - save_min, rd, rd_min, rd - rd_min, wr,
              wr_min);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    files.emplace_back(argv[i]);
  }
  if (files.empty()) {
    const std::filesystem::path top = CAPSTATE_SOURCE_DIR;
    files = {top / "tests/data/qemu-q35-guest.xxxx.txt", top / "tests/data/microvm-host.xxxx.txt",
             top / "tests/data/ltr/ltr-endpoint.xxxx.txt",
             top / "examples/qemu-q35-guest.xxxx.txt"};
  }
  const core::Registry registry = in_tree_registry();
  std::printf(
      "Config accesses per device, every in-tree plugin loaded. walk: discovery reads (min:\n"
      "status + header type + pointer + one per entry). asked: register reads a save asks for\n"
      "(what it read before the dword cache), regs: distinct registers among them. save: dword\n"
      "reads of save_device through its cache (min: distinct dwords covering what was asked,\n"
      "+ = repeated reads). rd/wr: restore reads (plan + read-back) and writes after every saved\n"
      "register's writable bits were cleared (min reads: distinct registers planned + one\n"
      "read-back per written register; min writes: registers that differ + sequence steps).\n"
      "ok: verified, bytes equal, and the save gave the same records with and without the "
      "cache.\n");
  std::map<std::string, std::filesystem::path> seen;
  for (const std::filesystem::path& f : files) {
    const std::string text = slurp(f);
    if (const auto it = seen.find(text); it != seen.end()) {
      std::printf("\n%s: same bytes as %s, not repeated\n", f.c_str(), it->second.c_str());
      continue;
    }
    seen.emplace(text, f);
    core::DumpSource source{f};
    std::vector<Row> rows;
    for (const core::PciAddress& a : source.addresses()) {
      const auto bytes = [&](const core::PciAddress& x) {
        const auto s = source.bytes(x);
        return std::vector<std::uint8_t>(s.begin(), s.end());
      };
      rows.push_back(measure(source, a, registry, bytes, clear_writable_bits,
                             [] { return core::AccessCounts{}; }));
    }
    std::printf("\n%s\n", f.c_str());
    print_rows(rows);
  }
  core::ModelSource model;
  const core::PciAddress a = nth_address(8);
  add_endpoint(model, a, 7);
  const auto bytes = [&](const core::PciAddress& x) {
    const auto s = model.bytes(x);
    return std::vector<std::uint8_t>(s.begin(), s.end());
  };
  const Row r = measure(
      model, a, registry, bytes,
      [&](core::Device&, const core::DevicePlan&) { reset_endpoint(model, a); },
      [&] { return model.bar_counts(a); });
  std::printf(
      "\nmodel endpoint (PCIe + MSI-X with %u vectors in BAR 0 + LTR), reset before restore\n",
      EndpointLayout::vectors);
  print_rows({r});
  std::printf(
      "BAR dword accesses: save reads %llu (min %u: 4 per vector), restore writes %llu "
      "(min %u: 3 changed dwords per vector)\n",
      static_cast<unsigned long long>(r.bar_save_reads), 4 * EndpointLayout::vectors,
      static_cast<unsigned long long>(r.bar_writes), 3 * EndpointLayout::vectors);
  return 0;
}

}  // namespace
}  // namespace capstate::bench

int main(int argc, char** argv) {
  try {
    return capstate::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstate_bench_accesses: %s\n", e.what());
    return 1;
  }
}
