// The text format of `lspci -x`, `-xxx` and `-xxxx`: parsing and printing device blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backends/pci_address.hpp"

namespace capstate::core {

/// One device block of an lspci hex dump.
struct DumpBlock {
  PciAddress address;               ///< the device
  bool domain_written = false;      ///< whether the address line included the domain
  std::string description;          ///< text after the address (may be empty)
  std::vector<std::uint8_t> bytes;  ///< the bytes given: 64, 256 or 4096 of them
  std::size_t line = 0;             ///< line number of the address line (1-based)
};

/// Parses lspci hex-dump text; `file` names it in errors, which are std::runtime_error of the
/// form "<file>:<line>: <problem>; <what was expected>". Lines starting with a tab (the
/// verbose output of `lspci -v`) are ignored.
std::vector<DumpBlock> parse_dump(std::string_view text, const std::string& file);

/// Prints one block as lspci does: address line, rows of 16 bytes, then a blank line.
std::string format_dump_block(const PciAddress& address, bool domain_written,
                              const std::string& description, std::span<const std::uint8_t> bytes);

}  // namespace capstate::core
