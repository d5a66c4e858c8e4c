#include "samples.hpp"

#include "statefile/crc32c.hpp"

namespace capstate::test {

core::StateFile sample_state(std::size_t devices, std::size_t records, std::size_t payload_size,
                             std::uint16_t envelope_version) {
  core::StateFile f;
  f.envelope.envelope_version = envelope_version;
  f.envelope.producer_name = "capstate";
  f.envelope.producer_version = "0.1.0";
  f.envelope.created_unix = 1700000000;
  f.envelope.kernel_release = "6.1.0-18-amd64";
  for (std::size_t d = 0; d < devices; ++d) {
    core::DeviceSection s;
    s.address = {0, static_cast<std::uint8_t>(d + 1), 0, static_cast<std::uint8_t>(d % 8)};
    s.identity = {0x8086, static_cast<std::uint16_t>(0x1500 + d), 0x17aa, 0x2233, 0x020000, 0x03,
                  0};
    for (std::size_t r = 0; r < records; ++r) {
      Record rec;
      bool extended = r % 2 == 1;
      rec.capability = {extended ? CapKind::extended : CapKind::standard,
                        static_cast<std::uint16_t>(extended ? 0x18 : 0x10 + r),
                        static_cast<std::uint16_t>(extended ? 0x100 + 0x10 * r : 0x40 + 0x10 * r),
                        static_cast<std::uint8_t>(extended ? 1 : 0)};
      rec.plugin = extended ? "ltr" : "pcie";
      if (envelope_version >= 2 && r == 0) {
        rec.capability = {CapKind::header, 0, 0, 0};
        rec.plugin = "header";
      } else if (envelope_version >= 2 && r % 3 == 2) {
        rec.capability = {CapKind::region, 0, static_cast<std::uint16_t>(0x400 + 0x10 * r), 0};
        rec.plugin = "quirk";
      }
      if (envelope_version >= 2 && r % 2 == 0) {
        rec.claim = "vendor 0x8086, +0x04 == 0x" + std::to_string(20 + r);
      }
      rec.schema_version = static_cast<std::uint16_t>(1 + r);
      rec.fingerprint = 0x1122334455667788ULL + d * 0x100 + r;
      for (std::size_t i = 0; i < payload_size; ++i) {
        rec.payload.push_back(static_cast<std::uint8_t>(i * 7 + d + r));
      }
      s.records.push_back(rec);
    }
    f.devices.push_back(s);
  }
  return f;
}

Layout layout_of(const core::StateFile& file) {
  Layout out;
  const core::Envelope& e = file.envelope;
  out.header_length =
      0x26 + 3 + e.producer_name.size() + e.producer_version.size() + e.kernel_release.size();
  std::size_t pos = out.header_length;
  for (std::size_t s = 0; s < file.devices.size(); ++s) {
    out.section_begin.push_back(pos);
    pos += 29;
    for (std::size_t r = 0; r < file.devices[s].records.size(); ++r) {
      const Record& rec = file.devices[s].records[r];
      // Version 1: 29 fixed bytes; version 2 adds the claim's length byte and the claim.
      std::size_t length = 29 + rec.plugin.size() + rec.payload.size();
      if (e.envelope_version >= 2) {
        length += 1 + rec.claim.size();
      }
      out.records.push_back({s, r, pos, pos + length});
      pos += length;
    }
  }
  return out;
}

void put_le(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    bytes.at(at + i) = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

void reseal_record(std::vector<std::uint8_t>& bytes, std::size_t begin, std::size_t end) {
  std::uint32_t crc = core::crc32c(std::span(bytes).subspan(begin, end - begin - 4));
  put_le(bytes, end - 4, crc, 4);
  reseal_file(bytes);
}

void reseal_file(std::vector<std::uint8_t>& bytes) {
  put_le(bytes, 0x16, core::state_file_checksum(bytes), 4);
}

}  // namespace capstate::test
