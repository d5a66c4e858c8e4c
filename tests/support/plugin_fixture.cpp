// Test support for plugin tests: real dumps, saved fields and model save/restore rounds.
#include "support/plugin_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "backends/counted_config_space.hpp"
#include "backends/dump_source.hpp"
#include "backends/model_source.hpp"
#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "registry/registry.hpp"
#include "restore/apply_plan.hpp"

namespace capstate::plugintest {

std::string real_dump(const std::string& name) {
  const std::string path = std::string(CAPSTATE_TEST_DATA_DIR) + "/real/" + name;
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read test dump " + path);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

// The record `plugin` saves from the first target of `kind`/`id` on the first device of the
// real dump `name`; fails the test and returns nothing when the device has no such target.
std::optional<Record> saved_record(const Plugin& plugin, const std::string& name, CapKind kind,
                                   std::uint16_t id) {
  core::DumpSource source(real_dump(name), name);
  core::Device device = source.open(source.addresses().at(0));
  if (kind == CapKind::header) {
    return core::save_record(plugin, Capability{CapKind::header, 0, 0, 0}, *device.config, nullptr);
  }
  const core::DiscoveryResult found = core::discover(*device.config);
  const auto cap = std::find_if(found.capabilities.begin(), found.capabilities.end(),
                                [&](const Capability& c) { return c.kind == kind && c.id == id; });
  if (cap == found.capabilities.end()) {
    ADD_FAILURE() << name << " has no capability " << id;
    return std::nullopt;
  }
  return core::save_record(plugin, *cap, *device.config, nullptr);
}

// "name=0xvalue" for the fields of the record saved from `name`, the absent ones too or not.
std::vector<std::string> field_values(const Plugin& plugin, const std::string& name, CapKind kind,
                                      std::uint16_t id, bool absent_too) {
  const std::optional<Record> r = saved_record(plugin, name, kind, id);
  if (!r) {
    return {};
  }
  std::vector<std::string> out;
  for (const core::FieldValue& f : core::decode_record(plugin, *r).fields) {
    if (f.present || absent_too) {
      char text[96];
      std::snprintf(text, sizeof text, "%s=0x%x", f.name.c_str(), f.value);
      out.push_back(text);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> saved_fields(const Plugin& plugin, const std::string& name, CapKind kind,
                                      std::uint16_t id) {
  return field_values(plugin, name, kind, id, true);
}

std::vector<std::string> saved_present_fields(const Plugin& plugin, const std::string& name,
                                              CapKind kind, std::uint16_t id) {
  return field_values(plugin, name, kind, id, false);
}

std::vector<std::string> extra_values(const Plugin& plugin, const Record& record) {
  std::vector<std::string> out;
  for (const DecodedValue& v : core::decode_record(plugin, record).extra) {
    char text[96];
    std::snprintf(text, sizeof text, "%s=0x%llx", v.name.c_str(),
                  static_cast<unsigned long long>(v.value));
    out.push_back(text);
  }
  return out;
}

std::vector<std::string> saved_arrays(const Plugin& plugin, const std::string& name, CapKind kind,
                                      std::uint16_t id) {
  const std::optional<Record> r = saved_record(plugin, name, kind, id);
  return r ? extra_values(plugin, *r) : std::vector<std::string>{};
}

void put(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    bytes.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
  }
}

std::uint32_t get(const std::vector<std::uint8_t>& bytes, std::size_t at, unsigned n) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < n; ++i) {
    v |= static_cast<std::uint32_t>(bytes.at(at + i)) << (8 * i);
  }
  return v;
}

std::vector<std::uint8_t> extended_capability_model(const ExtendedModelSpec& spec) {
  std::vector<std::uint8_t> bytes(kExtendedSize, 0);
  put(bytes, 0x00, spec.ids, 4);
  put(bytes, 0x08, spec.class_rev, 4);
  put(bytes, 0x0e, spec.header_type, 1);
  put(bytes, spec.at,
      spec.id | (std::uint32_t{spec.version} << 16) | (std::uint32_t{spec.next} << 20), 4);
  return bytes;
}

namespace {

// A ConfigSpace that tells an observer of each write, then passes every access on to `inner`.
class ObservedConfigSpace final : public core::CountedConfigSpace {
 public:
  ObservedConfigSpace(std::unique_ptr<core::CountedConfigSpace> inner, WriteObserver& observer)
      : inner_(std::move(inner)), observer_(observer) {}

  std::uint16_t size() const override { return inner_->size(); }
  std::string device_name() const override { return inner_->device_name(); }

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override {
    return inner_->read(offset, width);
  }
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override {
    observer_.config_write(offset, width, value);
    inner_->write(offset, width, value);
  }

 private:
  std::unique_ptr<core::CountedConfigSpace> inner_;
  WriteObserver& observer_;
};

// A BarSpace that tells an observer of each write, then passes every access on to `inner`.
class ObservedBarSpace final : public BarSpace {
 public:
  ObservedBarSpace(std::unique_ptr<BarSpace> inner, WriteObserver& observer)
      : inner_(std::move(inner)), observer_(observer) {}

  bool has_bar(std::uint8_t bar) const override { return inner_->has_bar(bar); }
  std::uint64_t bar_size(std::uint8_t bar) const override { return inner_->bar_size(bar); }
  std::uint32_t read32(std::uint8_t bar, std::uint64_t offset) override {
    return inner_->read32(bar, offset);
  }
  void write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) override {
    observer_.bar_write(bar, offset, value);
    inner_->write32(bar, offset, value);
  }

 private:
  std::unique_ptr<BarSpace> inner_;
  WriteObserver& observer_;
};

// Adds the device `image` describes to `source` at `address`, its BAR memory included.
void add_model(core::ModelSource& source, core::PciAddress address, const ModelImage& image) {
  source.add(address, image.config, image.writable, image.w1c);
  for (const ModelBar& b : image.bars) {
    source.add_bar(address, b.bar, b.bytes.size());
    const std::span<std::uint8_t> memory = source.bar_bytes(address, b.bar);
    std::copy(b.bytes.begin(), b.bytes.end(), memory.begin());
  }
}

// The round behind both save_and_restore overloads; `observer` may be null.
ModelRestore restore_round(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                           const ModelImage& saved, const ModelImage& now, WriteObserver* observer,
                           const core::RestoreOptions& options) {
  const core::Registry registry = core::Registry::from_plugins({plugin});
  core::ModelSource saved_source;
  add_model(saved_source, address, saved);
  core::Device saved_device = saved_source.open(address);
  saved_device.kernel_resources = saved.kernel_resources;
  saved_device.bound_driver = saved.bound_driver;
  core::SaveReport report;
  const core::DeviceSection section = core::save_device(saved_device, registry, {}, report);
  core::ModelSource now_source;
  add_model(now_source, address, now);
  core::Device device = now_source.open(address);
  device.kernel_resources = now.kernel_resources;
  device.bound_driver = now.bound_driver;
  if (observer != nullptr) {
    device.config = std::make_unique<ObservedConfigSpace>(std::move(device.config), *observer);
    device.bars = std::make_unique<ObservedBarSpace>(std::move(device.bars), *observer);
  }
  ModelRestore out;
  out.plan = core::plan_restore(device, section, registry, options);
  for (const core::PlannedWrite& w : out.plan.writes) {
    if (w.write) {
      char text[128];
      std::snprintf(text, sizeof text, "%s=0x%x @0x%x phase %u", w.name.c_str(), w.value,
                    static_cast<unsigned>(w.offset), static_cast<unsigned>(w.phase));
      out.writes.push_back(text);
    }
  }
  out.mismatches = core::apply_plan(device, out.plan, true).mismatches;
  const auto bytes = now_source.bytes(address);
  out.bytes.assign(bytes.begin(), bytes.end());
  for (const ModelBar& b : now.bars) {
    const std::span<std::uint8_t> memory = now_source.bar_bytes(address, b.bar);
    out.bars.push_back({b.bar, std::vector<std::uint8_t>(memory.begin(), memory.end())});
  }
  return out;
}

}  // namespace

ModelRestore save_and_restore(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                              const ModelImage& saved, const ModelImage& now,
                              const core::RestoreOptions& options) {
  return restore_round(plugin, address, saved, now, nullptr, options);
}

ModelRestore save_and_restore(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                              const ModelImage& saved, const ModelImage& now,
                              WriteObserver& observer, const core::RestoreOptions& options) {
  return restore_round(plugin, address, saved, now, &observer, options);
}

std::vector<std::string> disturbed_bits(const ModelImage& before,
                                        const std::vector<std::uint8_t>& after) {
  std::vector<std::string> out;
  if (after.size() != before.config.size()) {
    out.push_back("the model has " + std::to_string(after.size()) + " bytes, expected " +
                  std::to_string(before.config.size()));
    return out;
  }
  for (std::size_t i = 0; i < after.size(); ++i) {
    const unsigned read_only = ~(before.writable.at(i) | before.w1c.at(i)) & 0xffU;
    const unsigned w1c_set = before.config[i] & before.w1c.at(i);
    const unsigned ro_changed = (after[i] ^ before.config[i]) & read_only;
    const unsigned w1c_cleared = w1c_set & ~after[i] & 0xffU;
    if (ro_changed != 0 || w1c_cleared != 0) {
      char text[128];
      std::snprintf(text, sizeof text,
                    "byte 0x%03zx: 0x%02x -> 0x%02x (read-only bits changed 0x%02x, W1C bits "
                    "cleared 0x%02x)",
                    i, before.config[i], after[i], ro_changed, w1c_cleared);
      out.push_back(text);
    }
  }
  return out;
}

std::vector<std::string> offset_writes(const core::DevicePlan& plan) {
  std::vector<std::string> out;
  for (const core::PlannedWrite& w : plan.writes) {
    if (w.write) {
      char text[128];
      std::snprintf(text, sizeof text, "%s 0x%03x=0x%x", w.name.c_str(),
                    static_cast<unsigned>(w.offset), w.value);
      out.push_back(text);
    }
  }
  return out;
}

}  // namespace capstate::plugintest
