// The text format of `lspci -x`, `-xxx` and `-xxxx`: parsing and printing device blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/pci_address.hpp"

namespace capstate::core {

/// One device block of an lspci hex dump.
struct DumpBlock {
  PciAddress address;               ///< the device
  bool domain_written = false;      ///< whether the address line included the domain
  std::string description;          ///< text after the address (may be empty)
  std::vector<std::uint8_t> bytes;  ///< the bytes given: 64, 256 or 4096 of them
  std::size_t line = 0;             ///< line number of the address line (1-based)
};

/// Thrown when lspci hex-dump text is malformed; the text is "<file>:<line>: <problem>; <what was
/// expected>" (or "<file>: ..." when no line is to blame).
class DumpFormatError : public std::runtime_error {
 public:
  /// `file` names the dump, `line` the 1-based line at fault (0: the whole text).
  DumpFormatError(std::string file, std::size_t line, const std::string& message)
      : std::runtime_error(message), file_(std::move(file)), line_(line) {}

  /// The dump the error is about, as given to parse_dump.
  const std::string& file() const noexcept { return file_; }
  /// The 1-based line at fault, or 0 when the error is about the whole text.
  std::size_t line() const noexcept { return line_; }

 private:
  std::string file_;
  std::size_t line_ = 0;
};

/// Parses lspci hex-dump text; `file` names it in errors (DumpFormatError). Lines starting with a
/// tab (the verbose output of `lspci -v`) are ignored.
std::vector<DumpBlock> parse_dump(std::string_view text, const std::string& file);

/// Prints one block as lspci does: address line, rows of 16 bytes, then a blank line.
std::string format_dump_block(const PciAddress& address, bool domain_written,
                              const std::string& description, std::span<const std::uint8_t> bytes);

}  // namespace capstate::core
