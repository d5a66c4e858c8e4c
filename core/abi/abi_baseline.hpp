// Reading and writing an ABI baseline directory (the committed `abi/` folder).
//
// Layout of a baseline directory DIR:
//   DIR/<plugin>/plugin.txt      plugin_file_text(): name and schema window
//   DIR/<plugin>/schema-<N>.txt  schema_file_text(): canonical layout text + fingerprint line,
//                                one file for every N in oldest_schema..current_schema
//   DIR/<plugin>/NOTES           optional, hand-written: "oldest <N>: <reason>" lines, blank lines
//                                and "#" comment lines
// Files directly in DIR (e.g. README.md) are ignored.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "abi/plugin_abi.hpp"

namespace capstate::core {

/// A baseline file is malformed; what() names the file and line and says what to do.
class AbiBaselineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One plugin's part of a baseline.
struct BaselinePlugin {
  PluginAbi abi;   ///< as recorded in plugin.txt and the schema files
  AbiNotes notes;  ///< from NOTES (empty when there is none)
};

/// Reads every plugin sub-directory of `dir`, sorted by name; throws AbiBaselineError.
std::vector<BaselinePlugin> read_abi_baseline(const std::filesystem::path& dir);

/// Reads one plugin directory (`dir` is DIR/<plugin>); throws AbiBaselineError.
BaselinePlugin read_abi_baseline_plugin(const std::filesystem::path& dir);

/// Parses NOTES text; `file` is only used in error messages. Throws AbiBaselineError.
AbiNotes parse_abi_notes(std::string_view text, const std::filesystem::path& file);

/// Writes DIR/<plugin>/plugin.txt and schema-<N>.txt for every plugin in `abis`, each atomically,
/// removing stale schema files of those plugins (NOTES is kept). Returns the files written, in
/// order. Throws FileError when a file cannot be written.
std::vector<std::filesystem::path> write_abi_dump(const std::vector<PluginAbi>& abis,
                                                  const std::filesystem::path& dir);

}  // namespace capstate::core
