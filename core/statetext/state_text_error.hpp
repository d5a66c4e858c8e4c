// The error thrown when the TOML form of a state file cannot be read back or encoded.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace capstate::core {

/// Where in a state file's text something is: file, line and column, and the record there.
struct TextLocation {
  std::string file;        ///< the text's name as given to state_from_toml
  std::size_t line = 0;    ///< 1-based line, 0 when unknown
  std::size_t column = 0;  ///< 1-based column, 0 when unknown
  std::string device;      ///< address of the device section, "" when not about a device
  std::size_t record = 0;  ///< 1-based record within the device, 0 when not about a record
  std::string plugin;      ///< plugin of that record, "" when not about a record

  /// "file:line:column", or just "file" when the line is unknown.
  std::string str() const {
    return line == 0 ? file : file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

/// The TOML text of a state file is malformed, or holds a record that cannot be encoded; what()
/// starts with "file:line:column: " and says what was expected.
class StateTextError : public std::runtime_error {
 public:
  /// `where` locates the problem; `message` is the full text.
  StateTextError(TextLocation where, const std::string& message)
      : std::runtime_error(message), where_(std::move(where)) {}

  /// Where the problem is.
  const TextLocation& where() const noexcept { return where_; }

 private:
  TextLocation where_;
};

}  // namespace capstate::core
