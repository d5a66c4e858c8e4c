// The error thrown when a state file cannot be read or written.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "util/pci_address.hpp"

namespace capstate::core {

/// Where in a state file a problem was found; parts left unset are unknown or do not apply.
struct StateFileLocation {
  std::string file;                           ///< file name as given to the codec
  std::optional<std::size_t> byte_offset;     ///< offset of the offending field from the file start
  std::optional<std::size_t> section_index;   ///< 0-based device section index (printed 1-based)
  std::optional<PciAddress> section_address;  ///< that section's address, once it was read
  std::optional<std::size_t>
      record_index;  ///< 0-based record index in the section (printed 1-based)
};

/// A state file is malformed, or a StateFile cannot be encoded. what() reads like
/// "state.cst: byte 0x1a4, device section 2 (0000:01:00.0), record 3: <problem>".
class StateFileError : public std::runtime_error {
 public:
  /// Builds the message from `where` and `problem` (which should say what to do about it).
  StateFileError(StateFileLocation where, std::string problem);

  /// Where the problem is.
  const StateFileLocation& where() const noexcept { return where_; }
  /// The problem without the location prefix.
  const std::string& problem() const noexcept { return problem_; }

  /// The location prefix alone, e.g. "state.cst: byte 0x1a4, device section 2 (0000:01:00.0)".
  static std::string describe(const StateFileLocation& where);

 private:
  StateFileLocation where_;
  std::string problem_;
};

}  // namespace capstate::core
