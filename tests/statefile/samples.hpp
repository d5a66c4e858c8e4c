// State files and byte-patching helpers shared by the statefile tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "statefile/codec.hpp"

namespace capstate::test {

/// A StateFile with `devices` devices of `records` records each; payload i of device d has
/// `payload_size` bytes (0 means empty).
core::StateFile sample_state(std::size_t devices, std::size_t records,
                             std::size_t payload_size = 6);

/// Byte extent of one record in an encoded file.
struct RecordExtent {
  std::size_t section = 0;  ///< 0-based section index
  std::size_t record = 0;   ///< 0-based record index
  std::size_t begin = 0;    ///< offset of its length field
  std::size_t end = 0;      ///< offset just past its CRC
};

/// Where each section and record of encode_state(file) lies, computed from the documented sizes
/// (independently of the decoder).
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

/// A fresh directory under the system temp directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// The directory.
  const std::filesystem::path& path() const { return path_; }
  /// Names of the entries in it, sorted.
  std::vector<std::string> entries() const;

 private:
  std::filesystem::path path_;
};

/// Writes `text` to `path` plainly (test setup only).
void write_plain(const std::filesystem::path& path, const std::string& text);
/// Reads `path` whole (test checks only).
std::string read_plain(const std::filesystem::path& path);

}  // namespace capstate::test
