// Encoding a StateFile to the bytes of a .cst file and decoding them back.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "statefile/format.hpp"
#include "statefile/state_file.hpp"
#include "statefile/state_file_error.hpp"

namespace capstate::core {

/// Encodes `file` in envelope version kEnvelopeVersion. Throws StateFileError (naming
/// `target_name`) for anything decode_state would refuse: over-long or non-printable names, an
/// empty plugin name, out-of-range addresses, class codes or capability offsets, duplicate records
/// or addresses.
std::vector<std::uint8_t> encode_state(const StateFile& file,
                                       std::string_view target_name = "(state file being written)");

/// Decodes and fully checks the bytes of a state file; `source_name` names it in errors. Throws
/// StateFileError on any problem (magic, version, lengths, counts, checksums, duplicates, ranges,
/// trailing bytes). Never allocates more than the input's size for lengths or counts the file
/// declares.
StateFile decode_state(std::span<const std::uint8_t> bytes, std::string_view source_name);

}  // namespace capstate::core
