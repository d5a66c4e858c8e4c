// The data files that say things about capabilities by ID (their names, which hold no state):
// TOML tables of one string per ID, and where they are found at run time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "capstate/sdk/capability.hpp"

namespace capstate::core {

/// A capability data file could not be read or is malformed; the text names file, line, column.
class CapabilityDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One string per capability: the key is (list, ID).
using CapabilityStrings = std::map<std::pair<CapKind, std::uint16_t>, std::string>;

/// Reads `file`, a TOML file with the tables [standard] and [extended] whose keys are hex IDs
/// ("0x10", "0x0018") and whose values are non-empty strings. `file_kind` names such files in
/// messages ("capability-names"), `value_noun` what a value is ("name"). Throws
/// CapabilityDataError naming the file, line and column on any problem.
CapabilityStrings load_capability_strings(const std::filesystem::path& file,
                                          std::string_view file_kind, std::string_view value_noun);

/// The data file `file_name`: in `env_data_dir` (the value of CAPSTATE_DATA_DIR as the caller read
/// it; nullopt when unset), then <exe dir>/../share/capstate, then the install data directory;
/// nullopt if none of them holds it. Reads no environment variable.
std::optional<std::filesystem::path> find_capability_data_file(
    const std::optional<std::string>& env_data_dir, std::string_view file_name);

}  // namespace capstate::core
