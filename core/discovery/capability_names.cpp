// Loads the capability-names TOML table and answers name lookups.
#include "discovery/capability_names.hpp"

#include <cstdio>

namespace capstate::core {

namespace fs = std::filesystem;

CapabilityNames CapabilityNames::load(const fs::path& file) {
  CapabilityNames result;
  result.names_ = load_capability_strings(file, "capability-names", "name");
  result.source_ = file;
  return result;
}

std::optional<fs::path> CapabilityNames::find_default_file(
    const std::optional<std::string>& env_data_dir) {
  return find_capability_data_file(env_data_dir, kCapabilityNamesFile);
}

CapabilityNames CapabilityNames::load_default(const std::optional<std::string>& env_data_dir) {
  if (auto file = find_default_file(env_data_dir)) {
    return load(*file);
  }
  return {};
}

std::string CapabilityNames::name(CapabilityId id) const {
  if (auto it = names_.find(key(id)); it != names_.end()) {
    return it->second;
  }
  char buf[48];
  if (id.kind == CapKind::standard) {
    std::snprintf(buf, sizeof buf, "unknown standard capability 0x%02x", id.id);
  } else {
    std::snprintf(buf, sizeof buf, "unknown extended capability 0x%04x", id.id);
  }
  return buf;
}

}  // namespace capstate::core
