// DumpSource: lspci hex dumps as devices, with an in-memory copy that can be written back.
#include "backends/dump_source.hpp"

#include <algorithm>

#include "backends/dump_format.hpp"
#include "backends/file_io.hpp"
#include "backends/memory_config_space.hpp"
#include "util/atomic_file.hpp"

namespace capstate::core {

/// One device of the dump: how it was written, and its bytes.
struct DumpSource::Entry {
  PciAddress address;
  bool domain_written = false;
  std::string description;
  MemoryDevice memory;
};

DumpSource::DumpSource(const std::filesystem::path& file)
    : DumpSource(read_whole_file(file, "lspci dump"), file.string()) {}

DumpSource::DumpSource(std::string_view text, std::string name) : name_(std::move(name)) {
  for (DumpBlock& block : parse_dump(text, name_)) {
    auto e = std::make_unique<Entry>();
    e->address = block.address;
    e->domain_written = block.domain_written;
    e->description = std::move(block.description);
    MemoryDevice& m = e->memory;
    m.name = block.address.str();
    m.held = block.bytes.size();
    m.bytes = std::move(block.bytes);
    m.bytes.resize(m.held > kConventionalSize ? kExtendedSize : kConventionalSize, 0xff);
    m.beyond_held_hint = "the dump holds only " + std::to_string(m.held) +
                         " bytes of this device; capture it with lspci -xxx or -xxxx";
    entries_.push_back(std::move(e));
  }
}

DumpSource::~DumpSource() = default;
DumpSource::DumpSource(DumpSource&&) noexcept = default;
DumpSource& DumpSource::operator=(DumpSource&&) noexcept = default;

std::string DumpSource::describe() const {
  return "lspci dump " + name_;
}

std::vector<PciAddress> DumpSource::addresses() {
  std::vector<PciAddress> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) {
    out.push_back(e->address);
  }
  std::sort(out.begin(), out.end());
  return out;
}

DumpSource::Entry& DumpSource::entry(const PciAddress& address) const {
  for (const auto& e : entries_) {
    if (e->address == address) {
      return *e;
    }
  }
  throw AccessError(address.str() + ": no such device in " + describe() + " (it holds " +
                    std::to_string(entries_.size()) +
                    " devices; `capstate list` shows their addresses)");
}

Device DumpSource::open(const PciAddress& address) {
  Entry& e = entry(address);
  return Device{address, std::make_unique<MemoryConfigSpace>(e.memory), nullptr, {}, {}};
}

std::string DumpSource::dump_text() const {
  std::string text;
  for (const auto& e : entries_) {
    const auto held = std::span<const std::uint8_t>(e->memory.bytes).first(e->memory.held);
    text += format_dump_block(e->address, e->domain_written, e->description, held);
  }
  return text;
}

void DumpSource::write_dump(const std::filesystem::path& out) const {
  write_file_atomically(out, dump_text());
}

std::span<const std::uint8_t> DumpSource::bytes(const PciAddress& address) const {
  return entry(address).memory.bytes;
}

std::size_t DumpSource::held_bytes(const PciAddress& address) const {
  return entry(address).memory.held;
}

AccessCounts DumpSource::counts(const PciAddress& address) const {
  return entry(address).memory.totals;
}

}  // namespace capstate::core
