// Byte offsets and limits of the state file format (docs/state-file.md has the full tables).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace capstate::core {

/// The highest envelope version this build reads and the one it writes by default. Version 2
/// added each record's claim string and the header and region target kinds.
inline constexpr std::uint16_t kEnvelopeVersion = 2;

/// The oldest envelope version this build reads and can still write (no claims, only the standard
/// and extended kinds).
inline constexpr std::uint16_t kOldestEnvelopeVersion = 1;

/// The first 8 bytes of every state file: 0x89 "CST" CR LF 0x1A LF. The high byte and the line-end
/// bytes make damage by 7-bit or text-mode copies visible at once.
inline constexpr std::array<std::uint8_t, 8> kStateFileMagic = {0x89, 0x43, 0x53, 0x54,
                                                                0x0d, 0x0a, 0x1a, 0x0a};

/// The largest state file the readers accept (64 MiB).
inline constexpr std::size_t kMaxStateFileBytes = std::size_t{64} << 20;

/// Field offsets and sizes of the encoded form; all multi-byte integers are little-endian.
namespace format {

inline constexpr std::size_t kVersionOffset = 0x08;        ///< u16 envelope version
inline constexpr std::size_t kHeaderLengthOffset = 0x0a;   ///< u32 header length
inline constexpr std::size_t kFileLengthOffset = 0x0e;     ///< u64 total file length
inline constexpr std::size_t kChecksumOffset = 0x16;       ///< u32 whole-file CRC32C
inline constexpr std::size_t kSectionCountOffset = 0x1a;   ///< u32 device section count
inline constexpr std::size_t kCreatedOffset = 0x1e;        ///< i64 creation time
inline constexpr std::size_t kProducerNameOffset = 0x26;   ///< first length-prefixed string
inline constexpr std::size_t kMinHeaderLength = 0x29;      ///< fixed part plus three empty strings
inline constexpr std::size_t kSectionHeaderLength = 0x1d;  ///< device section without its records
inline constexpr std::size_t kMinRecordLength = 0x1d;      ///< version 1: empty name and payload
inline constexpr std::size_t kMinRecordLengthV2 = 0x1e;    ///< version 2: also an empty claim
inline constexpr std::size_t kMaxNameLength = 255;         ///< longest string (u8 length prefix)

inline constexpr std::uint16_t kMinStandardCapOffset = 0x40;  ///< standard list: after the header
inline constexpr std::uint16_t kMinRegionOffset = 0x40;       ///< regions: after the header
inline constexpr std::uint16_t kExtendedListStart = 0x100;    ///< extended list: 0x100 and above
inline constexpr std::uint16_t kConfigSpaceSize = 0x1000;     ///< offsets stay below this

/// Bytes of a record's fixed fields in envelope `version` (1 or 2): the record length with an
/// empty plugin name, claim and payload.
constexpr std::size_t min_record_length(std::uint16_t version) {
  return version >= 2 ? kMinRecordLengthV2 : kMinRecordLength;
}

}  // namespace format

}  // namespace capstate::core
