// Test support for plugin tests: real dumps, saved fields and model save/restore rounds.
#include "support/plugin_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

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

ModelRestore save_and_restore(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                              const ModelImage& saved, const ModelImage& now,
                              const core::RestoreOptions& options) {
  const core::Registry registry = core::Registry::from_plugins({plugin});
  core::ModelSource saved_source;
  saved_source.add(address, saved.config, saved.writable, saved.w1c);
  core::Device saved_device = saved_source.open(address);
  saved_device.kernel_resources = saved.kernel_resources;
  saved_device.bound_driver = saved.bound_driver;
  core::SaveReport report;
  const core::DeviceSection section = core::save_device(saved_device, registry, {}, report);
  core::ModelSource now_source;
  now_source.add(address, now.config, now.writable, now.w1c);
  core::Device device = now_source.open(address);
  device.kernel_resources = now.kernel_resources;
  device.bound_driver = now.bound_driver;
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
