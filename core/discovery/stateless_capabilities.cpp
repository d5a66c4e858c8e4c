// Loads the stateless-capabilities TOML table.
#include "discovery/stateless_capabilities.hpp"

namespace capstate::core {

namespace fs = std::filesystem;

StatelessCapabilities StatelessCapabilities::load(const fs::path& file) {
  StatelessCapabilities result;
  result.reasons_ = load_capability_strings(file, "capability-stateless", "reason");
  result.source_ = file;
  return result;
}

std::optional<fs::path> StatelessCapabilities::find_default_file(
    const std::optional<std::string>& env_data_dir) {
  return find_capability_data_file(env_data_dir, kStatelessCapabilitiesFile);
}

StatelessCapabilities StatelessCapabilities::load_default(
    const std::optional<std::string>& env_data_dir) {
  if (auto file = find_default_file(env_data_dir)) {
    return load(*file);
  }
  return {};
}

}  // namespace capstate::core
