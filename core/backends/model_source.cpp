// ModelSource: in-memory devices with hardware-like write semantics and BAR memory.
#include "backends/model_source.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

#include "backends/memory_config_space.hpp"

namespace capstate::core {

/// One modelled device: config bytes with masks, BAR memory and BAR access totals.
struct ModelSource::Model {
  MemoryDevice memory;
  std::array<std::vector<std::uint8_t>, 6> bars;
  std::array<bool, 6> has_bar{};
  AccessCounts bar_totals;
};

namespace {

/// BarSpace over a Model's BAR memory.
class ModelBarSpace final : public BarSpace {
 public:
  ModelBarSpace(std::array<std::vector<std::uint8_t>, 6>& bars, std::array<bool, 6>& present,
                AccessCounts& totals, std::string name)
      : bars_(bars), present_(present), totals_(totals), name_(std::move(name)) {}

  bool has_bar(std::uint8_t bar) const override { return bar < 6 && present_[bar]; }
  std::uint64_t bar_size(std::uint8_t bar) const override {
    return has_bar(bar) ? bars_[bar].size() : 0;
  }
  std::uint32_t read32(std::uint8_t bar, std::uint64_t offset) override {
    totals_.count_read(Width::dword);
    const std::uint8_t* p = at(bar, offset, "read");
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
  }
  void write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) override {
    totals_.count_write(Width::dword);
    std::uint8_t* p = at(bar, offset, "write");
    for (unsigned i = 0; i < 4; ++i) {
      p[i] = static_cast<std::uint8_t>(value >> (8 * i));  // little-endian, as PCI
    }
  }

 private:
  std::uint8_t* at(std::uint8_t bar, std::uint64_t offset, const char* what) {
    char buf[160];
    if (!has_bar(bar)) {
      std::snprintf(buf, sizeof buf, ": BAR %u %s at 0x%llx: the model has no memory for BAR %u",
                    static_cast<unsigned>(bar), what, static_cast<unsigned long long>(offset),
                    static_cast<unsigned>(bar));
      throw AccessError(name_ + buf);
    }
    if (offset % 4 != 0 || offset + 4 > bars_[bar].size()) {
      std::snprintf(buf, sizeof buf,
                    ": BAR %u %s at 0x%llx is misaligned or beyond the end (size 0x%zx)",
                    static_cast<unsigned>(bar), what, static_cast<unsigned long long>(offset),
                    bars_[bar].size());
      throw AccessError(name_ + buf);
    }
    return bars_[bar].data() + offset;
  }

  std::array<std::vector<std::uint8_t>, 6>& bars_;
  std::array<bool, 6>& present_;
  AccessCounts& totals_;
  std::string name_;
};

}  // namespace

ModelSource::ModelSource() = default;
ModelSource::~ModelSource() = default;
ModelSource::ModelSource(ModelSource&&) noexcept = default;
ModelSource& ModelSource::operator=(ModelSource&&) noexcept = default;

void ModelSource::add(PciAddress address, std::vector<std::uint8_t> config,
                      std::vector<std::uint8_t> writable_mask, std::vector<std::uint8_t> w1c_mask) {
  const std::string name = address.str();
  if (config.size() != kConventionalSize && config.size() != kExtendedSize) {
    throw std::invalid_argument(name + ": model configuration space is " +
                                std::to_string(config.size()) + " bytes; expected 256 or 4096");
  }
  if (writable_mask.size() != config.size() || w1c_mask.size() != config.size()) {
    throw std::invalid_argument(name + ": writable mask (" + std::to_string(writable_mask.size()) +
                                " bytes) and W1C mask (" + std::to_string(w1c_mask.size()) +
                                " bytes) must match the configuration space (" +
                                std::to_string(config.size()) + " bytes)");
  }
  if (models_.count(address) != 0) {
    throw std::invalid_argument(name + ": the model already has this device");
  }
  auto m = std::make_unique<Model>();
  m->memory.name = name;
  m->memory.held = config.size();
  m->memory.bytes = std::move(config);
  m->memory.writable = std::move(writable_mask);
  m->memory.w1c = std::move(w1c_mask);
  models_.emplace(address, std::move(m));
}

void ModelSource::add(PciAddress address, std::vector<std::uint8_t> config) {
  const std::size_t n = config.size();
  add(address, std::move(config), std::vector<std::uint8_t>(n, 0), std::vector<std::uint8_t>(n, 0));
}

void ModelSource::add_bar(PciAddress address, std::uint8_t bar, std::size_t size) {
  if (bar > 5 || size % 4 != 0) {
    throw std::invalid_argument(address.str() + ": BAR " + std::to_string(bar) + " of size " +
                                std::to_string(size) +
                                ": expected BAR 0-5 and a size that is a multiple of 4");
  }
  Model& m = model(address);
  m.bars[bar].assign(size, 0);
  m.has_bar[bar] = true;
}

ModelSource::Model& ModelSource::model(const PciAddress& address) const {
  const auto it = models_.find(address);
  if (it == models_.end()) {
    throw AccessError(address.str() + ": no such device in " + describe() +
                      "; add it with ModelSource::add first");
  }
  return *it->second;
}

std::string ModelSource::describe() const {
  return "in-memory model (" + std::to_string(models_.size()) + " devices)";
}

std::vector<PciAddress> ModelSource::addresses() {
  std::vector<PciAddress> out;
  for (const auto& [address, m] : models_) {
    out.push_back(address);
  }
  return out;
}

Device ModelSource::open(const PciAddress& address) {
  Model& m = model(address);
  return Device{address,
                std::make_unique<MemoryConfigSpace>(m.memory),
                std::make_unique<ModelBarSpace>(m.bars, m.has_bar, m.bar_totals, m.memory.name),
                {},
                {}};
}

std::span<const std::uint8_t> ModelSource::bytes(PciAddress address) const {
  return model(address).memory.bytes;
}

std::span<std::uint8_t> ModelSource::bar_bytes(PciAddress address, std::uint8_t bar) {
  Model& m = model(address);
  if (bar > 5 || !m.has_bar[bar]) {
    throw AccessError(address.str() + ": the model has no memory for BAR " + std::to_string(bar) +
                      "; add it with ModelSource::add_bar first");
  }
  return m.bars[bar];
}

AccessCounts ModelSource::counts(PciAddress address) const {
  return model(address).memory.totals;
}

AccessCounts ModelSource::bar_counts(PciAddress address) const {
  return model(address).bar_totals;
}

}  // namespace capstate::core
