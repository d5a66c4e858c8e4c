// encode_state: StateFile -> bytes. The layout is documented in docs/state-file.md.
#include <algorithm>
#include <bitset>
#include <limits>
#include <map>
#include <utility>

#include "statefile/codec.hpp"
#include "statefile/crc32c.hpp"
#include "statefile/validation.hpp"

namespace capstate::core {

namespace {

namespace checks = statefile_checks;

constexpr std::string_view kBugHint =
    "; the state was built wrongly (a bug in capstate or a plugin), so it was not written";

/// Target kinds the duplicate check tells apart (standard, extended, header, region).
constexpr std::size_t kKinds = 4;

/// The bit of a checked target in the duplicate check: one per kind and dword offset.
std::size_t seen_bit(const Capability& cap) {
  return static_cast<std::size_t>(cap.kind) * (format::kConfigSpaceSize / 4) + cap.offset / 4;
}

/// Appends little-endian integers to a byte vector and patches them later.
class ByteWriter {
 public:
  std::vector<std::uint8_t>& bytes() { return out_; }
  std::size_t size() const { return out_.size(); }
  /// Makes room for `n` bytes in all, so that appending never reallocates.
  void reserve(std::size_t n) { out_.reserve(n); }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put<2>(v); }
  void u32(std::uint32_t v) { put<4>(v); }
  void u64(std::uint64_t v) { put<8>(v); }
  void raw(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  /// A u8 length followed by the characters (the caller has checked the length).
  void name(std::string_view s) {
    u8(static_cast<std::uint8_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  /// Overwrites the `width` bytes at `at` with `v`.
  void patch(std::size_t at, std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
      out_[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
  }

 private:
  template <int Width>
  void put(std::uint64_t v) {
    std::uint8_t b[Width];
    for (int i = 0; i < Width; ++i) {
      b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    out_.insert(out_.end(), b, b + Width);
  }
  std::vector<std::uint8_t> out_;
};

/// Writes one StateFile, checking as it goes and naming the section and record of any problem.
class Encoder {
 public:
  explicit Encoder(std::string_view target) { where_.file = std::string(target); }

  std::vector<std::uint8_t> run(const StateFile& file) {
    version_ = file.envelope.envelope_version;
    w_.reserve(encoded_size(file));
    header(file.envelope, file.devices.size());
    // Sections in ascending address order (what save writes) cannot repeat an address; only
    // files in any other order need the map of addresses seen.
    const auto not_ascending = [](const DeviceSection& a, const DeviceSection& b) {
      return !(a.address < b.address);
    };
    const bool ascending = std::adjacent_find(file.devices.begin(), file.devices.end(),
                                              not_ascending) == file.devices.end();
    std::map<PciAddress, std::size_t> seen;
    for (std::size_t i = 0; i < file.devices.size(); ++i) {
      const DeviceSection& section = file.devices[i];
      where_.section_index = i;
      where_.section_address = section.address;
      if (!ascending) {
        if (auto [it, added] = seen.emplace(section.address, i); !added) {
          fail("the address is also used by device section " + std::to_string(it->second + 1) +
               "; a device may appear once");
        }
      }
      device(section);
    }
    where_.section_index.reset();
    where_.section_address.reset();
    where_.record_index.reset();
    w_.patch(format::kFileLengthOffset, w_.size(), 8);
    w_.patch(format::kChecksumOffset, state_file_checksum(w_.bytes()), 4);
    return std::move(w_.bytes());
  }

 private:
  [[noreturn]] void fail(const std::string& problem) {
    throw StateFileError(where_, problem + std::string(kBugHint));
  }
  /// Refuses what the envelope version asked for cannot hold; `problem` says what to do.
  [[noreturn]] void fail_version(const std::string& problem) {
    throw StateFileError(where_, problem + "; nothing was written");
  }
  void check(const std::optional<std::string>& problem) {
    if (problem) {
      fail(*problem);
    }
  }
  static std::uint32_t as_u32(std::size_t n) { return static_cast<std::uint32_t>(n); }

  /// The number of bytes `file` encodes to (names are counted as given; over-long ones are
  /// refused later, so the figure is only a capacity hint).
  static std::size_t encoded_size(const StateFile& file) {
    const Envelope& e = file.envelope;
    std::size_t n = format::kMinHeaderLength + e.producer_name.size() + e.producer_version.size() +
                    e.kernel_release.size();
    for (const DeviceSection& s : file.devices) {
      n += format::kSectionHeaderLength;
      for (const Record& r : s.records) {
        n += format::min_record_length(e.envelope_version) + r.plugin.size() + r.claim.size() +
             r.payload.size();
      }
    }
    return n;
  }

  void header(const Envelope& env, std::size_t sections) {
    if (env.envelope_version < kOldestEnvelopeVersion || env.envelope_version > kEnvelopeVersion) {
      fail("envelope version " + std::to_string(env.envelope_version) +
           " was asked for, but this capstate writes only versions " +
           std::to_string(kOldestEnvelopeVersion) + " to " + std::to_string(kEnvelopeVersion));
    }
    check(checks::name_problem("the producer name", env.producer_name, true));
    check(checks::name_problem("the producer version", env.producer_version, true));
    check(checks::name_problem("the kernel release", env.kernel_release, true));
    if (sections > std::numeric_limits<std::uint32_t>::max()) {
      fail("too many device sections");
    }
    w_.raw(kStateFileMagic);
    w_.u16(env.envelope_version);
    w_.u32(0);  // header length, patched below
    w_.u64(0);  // total file length, patched at the end
    w_.u32(0);  // whole-file checksum, computed last with this field still zero
    w_.u32(as_u32(sections));
    w_.u64(static_cast<std::uint64_t>(env.created_unix));
    w_.name(env.producer_name);
    w_.name(env.producer_version);
    w_.name(env.kernel_release);
    w_.patch(format::kHeaderLengthOffset, w_.size(), 4);
  }

  void device(const DeviceSection& s) {
    check(checks::address_problem(s.address));
    check(checks::class_problem(s.identity.class_code));
    if (s.records.size() > std::numeric_limits<std::uint32_t>::max()) {
      fail("too many records");
    }
    std::size_t start = w_.size();
    w_.u32(0);  // section length, patched below
    w_.u32(s.address.domain);
    w_.u8(s.address.bus);
    w_.u8(s.address.device);
    w_.u8(s.address.function);
    w_.u16(s.identity.vendor_id);
    w_.u16(s.identity.device_id);
    w_.u16(s.identity.subsystem_vendor_id);
    w_.u16(s.identity.subsystem_id);
    w_.u32(s.identity.class_code);
    w_.u8(s.identity.revision);
    w_.u8(s.identity.header_type);
    w_.u32(as_u32(s.records.size()));
    // One record per kind and offset, as the decoder demands: one bit per kind and dword offset
    // tells records apart once the target itself has been checked.
    std::bitset<kKinds * format::kConfigSpaceSize / 4> seen;
    for (std::size_t r = 0; r < s.records.size(); ++r) {
      where_.record_index = r;
      const Capability& cap = s.records[r].capability;
      check_version_allows(s.records[r]);
      check(checks::capability_problem(cap, version_));
      const std::size_t bit = seen_bit(cap);
      if (seen.test(bit)) {
        const auto same_place = [&](const Record& other) {
          return other.capability.kind == cap.kind && other.capability.offset == cap.offset;
        };
        const auto it = std::find_if(s.records.begin(), s.records.end(), same_place);
        const std::size_t index = static_cast<std::size_t>(it - s.records.begin());
        const Capability& first = it->capability;
        const std::string earlier = std::to_string(index + 1);
        fail(checks::describe(cap) +
             (first.id == cap.id ? " was already saved in record " + earlier
                                 : " overlaps record " + earlier + " (" + checks::describe(first) +
                                       ", at the same offset)") +
             "; each " + checks::target_noun(cap) + " may be saved once");
      }
      seen.set(bit);
      record(s.records[r]);
    }
    where_.record_index.reset();
    std::size_t length = w_.size() - start;
    if (length > std::numeric_limits<std::uint32_t>::max()) {
      fail("the device section is " + std::to_string(length) + " bytes, more than 4 GiB");
    }
    w_.patch(start, length, 4);
  }

  /// Refuses a record that envelope version 1 cannot hold: a header or region target, a claim.
  void check_version_allows(const Record& r) {
    if (version_ >= 2) {
      return;
    }
    const Capability& cap = r.capability;
    if (cap.kind == CapKind::header || cap.kind == CapKind::region) {
      fail_version(checks::describe(cap) + ": a " + std::string(to_string(cap.kind)) +
                   " record needs envelope version " + std::to_string(kEnvelopeVersion) +
                   ", but the file is being written as version " + std::to_string(version_) +
                   " (standard and extended capabilities only); write it as version " +
                   std::to_string(kEnvelopeVersion));
    }
    if (!r.claim.empty()) {
      fail_version(
          checks::describe(cap) + ": the record has a claim (\"" + printable_prefix(r.claim) +
          "\"), which needs envelope version " + std::to_string(kEnvelopeVersion) +
          ", but the file is being written as version " + std::to_string(version_) +
          " (records without claims); write it as version " + std::to_string(kEnvelopeVersion));
    }
  }

  /// Up to 40 characters of `text` with anything unprintable shown as '?', for messages.
  static std::string printable_prefix(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 40)) {
      const auto u = static_cast<unsigned char>(c);
      out += u >= 0x20 && u <= 0x7e ? c : '?';
    }
    return text.size() > 40 ? out + "..." : out;
  }

  void record(const Record& r) {
    check(checks::name_problem("the plugin name", r.plugin, false));
    if (version_ >= 2) {
      check(checks::name_problem("the claim", r.claim, true));
    }
    constexpr std::size_t kLimit = std::numeric_limits<std::uint32_t>::max() - 0x1000;
    if (r.payload.size() > kLimit) {
      fail("the payload is " + std::to_string(r.payload.size()) + " bytes, more than 4 GiB");
    }
    std::size_t start = w_.size();
    const std::size_t claim = version_ >= 2 ? r.claim.size() : 0;  // version 1: none (checked)
    w_.u32(
        as_u32(format::min_record_length(version_) + r.plugin.size() + claim + r.payload.size()));
    w_.u8(static_cast<std::uint8_t>(r.capability.kind));
    w_.u16(r.capability.id);
    w_.u16(r.capability.offset);
    w_.u8(r.capability.version);
    w_.name(r.plugin);
    if (version_ >= 2) {
      w_.name(r.claim);
    }
    w_.u16(r.schema_version);
    w_.u64(r.fingerprint);
    w_.u32(as_u32(r.payload.size()));
    w_.raw(r.payload);
    w_.u32(crc32c(std::span(w_.bytes()).subspan(start)));
  }

  ByteWriter w_;
  std::uint16_t version_ = kEnvelopeVersion;  ///< the envelope version being written
  StateFileLocation where_;
};

}  // namespace

std::vector<std::uint8_t> encode_state(const StateFile& file, std::string_view target_name) {
  return Encoder(target_name).run(file);
}

}  // namespace capstate::core
