// State files and byte-patching helpers shared by the statefile tests; TempDir and the file
// helpers come from tests/support.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "statefile/codec.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

namespace capstate::test {

using testsupport::read_text;
using testsupport::TempDir;
using testsupport::write_text;

/// A StateFile of envelope version `envelope_version` with `devices` devices of `records` records
/// each; payload i of device d has `payload_size` bytes (0 means empty). Records alternate between
/// standard and extended capabilities. In version 2, record 0 is the header, every third record
/// from record 2 on is a region at 0x400 + 0x10 * index, and the even-numbered records carry a
/// claim.
core::StateFile sample_state(std::size_t devices, std::size_t records, std::size_t payload_size = 6,
                             std::uint16_t envelope_version = 1);

/// Byte extent of one record in an encoded file.
struct RecordExtent {
  std::size_t section = 0;  ///< 0-based section index
  std::size_t record = 0;   ///< 0-based record index
  std::size_t begin = 0;    ///< offset of its length field
  std::size_t end = 0;      ///< offset just past its CRC
};

/// Where each section and record of encode_state(file) lies, computed from the documented sizes
/// of the file's envelope version (independently of the decoder).
struct Layout {
  std::size_t header_length = 0;           ///< first byte of section 1
  std::vector<std::size_t> section_begin;  ///< offset of each section's length field
  std::vector<RecordExtent> records;       ///< every record in file order
};
Layout layout_of(const core::StateFile& file);

/// Little-endian patch of `width` bytes at `at`.
void put_le(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint64_t value, int width);

/// Recomputes the CRC of the record at [begin, end) and then the whole-file checksum.
void reseal_record(std::vector<std::uint8_t>& bytes, std::size_t begin, std::size_t end);

/// Recomputes the whole-file checksum only.
void reseal_file(std::vector<std::uint8_t>& bytes);

}  // namespace capstate::test
