// decode_state: bytes -> StateFile, checking everything. The layout is documented in
// docs/state-file.md. Every length and count is checked against the bytes left before it is used,
// so nothing is allocated beyond what the input itself holds.
#include <algorithm>
#include <bitset>
#include <cstdio>
#include <cstring>
#include <map>

#include "statefile/codec.hpp"
#include "statefile/crc32c.hpp"
#include "statefile/validation.hpp"
#include "util/hex.hpp"

namespace capstate::core {

namespace {

namespace checks = statefile_checks;

constexpr std::string_view kCorrupt = "the file is truncated or corrupt — save the device again";

/// Target kinds the duplicate check tells apart (standard, extended, header, region).
constexpr std::size_t kKinds = 4;

/// The bit of a checked target in the duplicate check: one per kind and dword offset.
std::size_t seen_bit(const Capability& cap) {
  return static_cast<std::size_t>(cap.kind) * (format::kConfigSpaceSize / 4) + cap.offset / 4;
}

/// "4096 (0x1000)": a number as decimal and hex, for lengths and counts in messages.
std::string number(std::uint64_t n) {
  return std::to_string(n) + " (" + hex(n) + ")";
}

/// Reads one state file; `where_` always describes the structure being read.
class Decoder {
 public:
  Decoder(std::span<const std::uint8_t> bytes, std::string_view source) : b_(bytes) {
    where_.file = std::string(source);
  }

  StateFile run() {
    StateFile out;
    std::size_t header_length = envelope(out.envelope);
    std::uint32_t count = u32(format::kSectionCountOffset);
    // Counts are never used to reserve memory: containers grow only as items are actually read.
    std::size_t pos = header_length;
    std::map<PciAddress, std::size_t> seen;
    for (std::size_t i = 0; i < count; ++i) {
      where_.section_index = i;
      where_.section_address.reset();
      if (pos == size()) {
        fail(pos, "the header declares " + std::to_string(count) +
                      " device sections but the file ends after " + std::to_string(i));
      }
      pos = section(pos, out.devices.emplace_back(), seen);
    }
    where_.section_index.reset();
    where_.section_address.reset();
    where_.record_index.reset();
    if (pos != size()) {
      fail(pos, std::to_string(size() - pos) + " bytes follow the last of the " +
                    std::to_string(count) +
                    " declared device sections; the section count is wrong or the file has "
                    "trailing garbage");
    }
    std::uint32_t stored = u32(format::kChecksumOffset);
    std::uint32_t computed = state_file_checksum(b_);
    if (stored != computed) {
      fail(format::kChecksumOffset, "file checksum mismatch: the file says " + hex(stored) +
                                        ", its " + std::to_string(size()) + " bytes give " +
                                        hex(computed) + "; some byte outside the records changed");
    }
    return out;
  }

 private:
  std::size_t size() const { return b_.size(); }

  [[noreturn]] void fail(std::size_t at, const std::string& problem) {
    where_.byte_offset = at;
    throw StateFileError(where_, problem + "; " + std::string(kCorrupt));
  }
  void check(std::size_t at, const std::optional<std::string>& problem) {
    if (problem) {
      fail(at, *problem);
    }
  }

  // Unchecked little-endian reads; callers have checked the bounds.
  std::uint64_t le(std::size_t at, int width) const {
    std::uint64_t v = 0;
    for (int i = width - 1; i >= 0; --i) {
      v = (v << 8) | b_[at + i];
    }
    return v;
  }
  std::uint8_t u8(std::size_t at) const { return b_[at]; }
  std::uint16_t u16(std::size_t at) const { return static_cast<std::uint16_t>(le(at, 2)); }
  std::uint32_t u32(std::size_t at) const { return static_cast<std::uint32_t>(le(at, 4)); }
  std::uint64_t u64(std::size_t at) const { return le(at, 8); }

  /// Reads a u8-length-prefixed string at `pos` that must end by `end` (the end of `scope`).
  std::string name(std::size_t& pos, std::size_t end, std::string_view what, std::string_view scope,
                   bool may_be_empty) {
    if (pos >= end) {
      fail(pos, "the " + std::string(scope) + " ends before the length of " + std::string(what));
    }
    std::size_t n = u8(pos);
    if (n > end - pos - 1) {
      fail(pos, std::string(what) + " is " + std::to_string(n) + " bytes long but only " +
                    std::to_string(end - pos - 1) + " bytes are left in the " + std::string(scope));
    }
    std::string s(reinterpret_cast<const char*>(b_.data() + pos + 1), n);
    check(pos, checks::name_problem(what, s, may_be_empty));
    pos += 1 + n;
    return s;
  }

  /// Checks magic, version and the fixed header; reads the envelope; returns the header length.
  std::size_t envelope(Envelope& env) {
    const std::size_t magic_size = kStateFileMagic.size();
    std::size_t common = std::min(size(), magic_size);
    if (common < magic_size && size() == 0) {
      fail(0, "the file is empty");
    }
    if (std::memcmp(b_.data(), kStateFileMagic.data(), common) != 0) {
      std::string found;
      for (std::size_t i = 0; i < common; ++i) {
        char buf[4];
        std::snprintf(buf, sizeof buf, i ? " %02x" : "%02x", b_[i]);
        found += buf;
      }
      where_.byte_offset = 0;
      throw StateFileError(where_, "not a capstate state file: it starts with " +
                                       (found.empty() ? std::string("nothing") : found) +
                                       " instead of 89 43 53 54 0d 0a 1a 0a; check the file name "
                                       "(a state file copied in text mode is damaged beyond use)");
    }
    if (size() < format::kVersionOffset + 2) {
      fail(size(), "the file is only " + std::to_string(size()) +
                       " bytes and ends before the envelope version");
    }
    std::uint16_t version = u16(format::kVersionOffset);
    if (version > kEnvelopeVersion) {
      where_.byte_offset = format::kVersionOffset;
      throw StateFileError(where_, "envelope version " + std::to_string(version) +
                                       " is newer than this capstate reads (up to version " +
                                       std::to_string(kEnvelopeVersion) +
                                       "): it was written by a "
                                       "newer capstate" +
                                       producer_hint() + "; upgrade capstate to read it");
    }
    if (version == 0) {
      fail(format::kVersionOffset, "envelope version 0 is not valid (versions start at 1)");
    }
    if (size() < format::kMinHeaderLength) {
      fail(size(), "the file is only " + std::to_string(size()) + " bytes, shorter than the " +
                       std::to_string(format::kMinHeaderLength) + "-byte smallest header");
    }
    std::uint64_t declared = u64(format::kFileLengthOffset);
    if (declared > size()) {
      fail(format::kFileLengthOffset, "the header says the file is " + std::to_string(declared) +
                                          " bytes but only " + std::to_string(size()) +
                                          " are there");
    }
    if (declared < size()) {
      fail(declared, std::to_string(size() - declared) + " bytes of trailing garbage follow the " +
                         std::to_string(declared) + "-byte state file the header describes");
    }
    std::size_t header_length = u32(format::kHeaderLengthOffset);
    if (header_length < format::kMinHeaderLength || header_length > size()) {
      fail(format::kHeaderLengthOffset, "header length " + number(header_length) + " is outside " +
                                            std::to_string(format::kMinHeaderLength) + ".." +
                                            std::to_string(size()));
    }
    env.envelope_version = version;
    version_ = version;
    env.created_unix = static_cast<std::int64_t>(u64(format::kCreatedOffset));
    std::size_t pos = format::kProducerNameOffset;
    env.producer_name = name(pos, header_length, "the producer name", "header", true);
    env.producer_version = name(pos, header_length, "the producer version", "header", true);
    env.kernel_release = name(pos, header_length, "the kernel release", "header", true);
    if (pos != header_length) {
      fail(format::kHeaderLengthOffset, "header length " + number(header_length) +
                                            " does not match the " + std::to_string(pos) +
                                            " bytes its fields take");
    }
    return header_length;
  }

  /// " (capstate 2.0.0)" when a newer file's producer can be read, else "".
  std::string producer_hint() const {
    std::size_t pos = format::kProducerNameOffset;
    std::string parts[2];
    for (std::string& part : parts) {
      if (pos >= size() || u8(pos) > size() - pos - 1) {
        return "";
      }
      part.assign(reinterpret_cast<const char*>(b_.data() + pos + 1), u8(pos));
      if (checks::name_problem("", part, false)) {
        return "";
      }
      pos += 1 + part.size();
    }
    return " (" + parts[0] + " " + parts[1] + ")";
  }

  /// Reads the device section at `pos`; returns the offset just after it.
  std::size_t section(std::size_t pos, DeviceSection& s,
                      std::map<PciAddress, std::size_t>& seen_addresses) {
    if (size() - pos < 4) {
      fail(pos, "the device section length needs 4 bytes but only " + std::to_string(size() - pos) +
                    " are left in the file");
    }
    std::size_t length = u32(pos);
    if (length < format::kSectionHeaderLength) {
      fail(pos, "device section length " + number(length) + " is shorter than the " +
                    std::to_string(format::kSectionHeaderLength) + "-byte section header");
    }
    if (length > size() - pos) {
      fail(pos, "device section length " + number(length) + " exceeds the " +
                    std::to_string(size() - pos) + " bytes left in the file");
    }
    s.address = {u32(pos + 4), u8(pos + 8), u8(pos + 9), u8(pos + 10)};
    where_.section_address = s.address;
    check(pos + 4, checks::address_problem(s.address));
    s.identity = {u16(pos + 11), u16(pos + 13), u16(pos + 15), u16(pos + 17),
                  u32(pos + 19), u8(pos + 23),  u8(pos + 24)};
    check(pos + 19, checks::class_problem(s.identity.class_code));
    if (auto [it, added] = seen_addresses.emplace(s.address, *where_.section_index); !added) {
      fail(pos + 4, "the address " + s.address.str() + " was already saved in device section " +
                        std::to_string(it->second + 1) +
                        "; a device may appear only once in a state file");
    }
    std::uint32_t count = u32(pos + 25);
    std::size_t end = pos + length;
    std::size_t rpos = pos + format::kSectionHeaderLength;
    // The targets read so far: one bit per kind and dword offset (record() has checked both).
    std::bitset<kKinds * format::kConfigSpaceSize / 4> seen;
    for (std::size_t r = 0; r < count; ++r) {
      where_.record_index = r;
      if (rpos == end) {
        fail(rpos, "the device section declares " + std::to_string(count) +
                       " records but holds only " + std::to_string(r));
      }
      Record& rec = s.records.emplace_back();
      std::size_t start = rpos;
      rpos = record(rpos, end, rec);
      const Capability& cap = rec.capability;
      // Keyed by kind and offset: two records of one kind at one offset (even with different IDs)
      // would restore the same registers twice.
      const std::size_t bit = seen_bit(cap);
      if (seen.test(bit)) {
        const auto is_first = [&](const Record& other) {
          return other.capability.kind == cap.kind && other.capability.offset == cap.offset;
        };
        const std::size_t index = static_cast<std::size_t>(
            std::find_if(s.records.begin(), s.records.end(), is_first) - s.records.begin());
        const Capability& first = s.records[index].capability;
        const std::string earlier = std::to_string(index + 1);
        fail(start + 4,
             checks::describe(cap) +
                 (first.id == cap.id ? " was already saved in record " + earlier
                                     : " overlaps record " + earlier + " (" +
                                           checks::describe(first) + ", at the same offset)") +
                 "; each " + checks::target_noun(cap) + " may be saved only once");
      }
      seen.set(bit);
    }
    where_.record_index.reset();
    if (rpos != end) {
      fail(rpos, std::to_string(end - rpos) + " bytes are left in the device section after its " +
                     std::to_string(count) + " declared records; the record count is wrong");
    }
    where_.byte_offset.reset();
    return end;
  }

  /// Reads the record at `pos` inside a section ending at `end`; returns the offset after it.
  std::size_t record(std::size_t pos, std::size_t end, Record& rec) {
    if (end - pos < 4) {
      fail(pos, "the record length needs 4 bytes but only " + std::to_string(end - pos) +
                    " are left in the device section");
    }
    std::size_t length = u32(pos);
    const std::size_t min_length = format::min_record_length(version_);
    if (length < min_length) {
      fail(pos, "record length " + number(length) + " is shorter than the " +
                    std::to_string(min_length) + " bytes of a record's fixed fields");
    }
    if (length > end - pos) {
      fail(pos, "record length " + number(length) + " exceeds the " + std::to_string(end - pos) +
                    " bytes left in the device section");
    }
    std::size_t crc_at = pos + length - 4;
    std::uint32_t stored = u32(crc_at);
    std::uint32_t computed = crc32c(b_.subspan(pos, length - 4));
    if (stored != computed) {
      fail(crc_at, "record checksum mismatch: the record says " + hex(stored) + ", its " +
                       std::to_string(length - 4) + " bytes give " + hex(computed));
    }
    rec.capability.kind = static_cast<CapKind>(u8(pos + 4));
    rec.capability.id = u16(pos + 5);
    rec.capability.offset = u16(pos + 7);
    rec.capability.version = u8(pos + 9);
    std::size_t p = pos + 10;
    // The fixed fields after the name (the claim's length in version 2, schema, fingerprint,
    // payload length) must still fit.
    const bool has_claim = version_ >= 2;
    rec.plugin = name(p, crc_at - 14 - (has_claim ? 1 : 0), "the plugin name", "record", false);
    if (has_claim) {
      rec.claim = name(p, crc_at - 14, "the claim", "record", true);
    }
    rec.schema_version = u16(p);
    rec.fingerprint = u64(p + 2);
    std::size_t payload_length = u32(p + 10);
    p += 14;
    std::size_t left = crc_at - p;
    if (payload_length > left) {
      fail(p - 4, "payload length " + number(payload_length) + " exceeds the " +
                      std::to_string(left) + " bytes left in the record");
    }
    if (payload_length < left) {
      fail(p - 4, "payload length " + number(payload_length) + " leaves " +
                      std::to_string(left - payload_length) +
                      " unused bytes before the record checksum");
    }
    rec.payload.assign(b_.begin() + static_cast<std::ptrdiff_t>(p),
                       b_.begin() + static_cast<std::ptrdiff_t>(p + payload_length));
    check(pos + 4, checks::capability_problem(rec.capability, version_));
    return pos + length;
  }

  std::span<const std::uint8_t> b_;
  std::uint16_t version_ = 0;  ///< the envelope version, once read
  StateFileLocation where_;
};

}  // namespace

StateFile decode_state(std::span<const std::uint8_t> bytes, std::string_view source_name) {
  return Decoder(bytes, source_name).run();
}

}  // namespace capstate::core
