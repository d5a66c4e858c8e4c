// Canonical layout text and CRC-64/XZ fingerprint.
#include "engine/layout_text.hpp"

#include <boost/crc.hpp>
#include <cstdio>

namespace capstate::core {
namespace {

std::string hex(std::uint32_t value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, static_cast<unsigned>(value));
  return buf;
}

std::string source_text(const Condition& c) {
  switch (c.source) {
    case ValueSource::capability_register:
      return "reg" + std::to_string(width_bits(c.width)) + "@" + hex(c.offset, 4);
    case ValueSource::capability_version:
      return "cap_version";
    case ValueSource::saved_field:
      return "field:" + std::string(c.field);
  }
  return "unknown_source";
}

std::string test_text(const Condition& c) {
  switch (c.test) {
    case Test::value_in_set: {
      std::string out = "in {";
      bool first = true;
      for (unsigned v = 0; v < 32; ++v) {
        if ((c.operand >> v) & 1U) {
          out += (first ? "" : ",") + std::to_string(v);
          first = false;
        }
      }
      return out + "}";
    }
    case Test::value_at_least:
      return ">= " + std::to_string(c.operand);
    case Test::any_bit_set:
      return "!= 0";
    case Test::always:
    case Test::never:
      break;
  }
  return "unknown_test";
}

// Escapes characters that would break the line structure of the text.
std::string escape_line(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(Encoding encoding) {
  return encoding == Encoding::all_fields ? "all_fields" : "present_fields";
}

std::string presence_text(const Presence& presence) {
  std::string out;
  for (const Condition& c : presence.all_of) {
    if (c.test == Test::never) {
      return "never";
    }
    if (c.test == Test::always) {
      continue;
    }
    if (!out.empty()) {
      out += " and ";
    }
    out += "[(" + source_text(c) + " & " + hex(c.mask, 8) + ") >> " + std::to_string(c.shift) +
           " " + test_text(c) + "]";
  }
  return out.empty() ? "always" : out;
}

std::string canonical_layout_text(std::string_view plugin, const Layout& layout) {
  std::string out;
  out += std::string(kLayoutTextTag) + "\n";
  out += "plugin " + std::string(plugin) + "\n";
  out += "schema " + std::to_string(layout.schema_version) + "\n";
  out += "encoding " + std::string(to_string(layout.encoding)) + "\n";
  out += "fields " + std::to_string(layout.fields.size()) + "\n";
  for (const Field& f : layout.fields) {
    out += "field " + std::string(f.name) + " offset=" + hex(f.offset, 4) +
           " width=" + std::to_string(width_bits(f.width)) + " writable=" + hex(f.writable, 8) +
           " w1c=" + hex(f.w1c, 8) + " verify=" + hex(f.verify, 8) +
           " phase=" + std::to_string(f.phase) + " present=" + presence_text(f.presence) + "\n";
  }
  out += "extra " + (layout.extra.empty() ? std::string("none") : escape_line(layout.extra)) + "\n";
  out += "end\n";
  return out;
}

std::uint64_t layout_fingerprint(std::string_view plugin, const Layout& layout) {
  const std::string text = canonical_layout_text(plugin, layout);
  boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true> crc;
  crc.process_bytes(text.data(), text.size());
  return crc.checksum();
}

}  // namespace capstate::core
