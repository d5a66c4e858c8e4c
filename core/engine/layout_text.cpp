// Canonical layout text and CRC-64/XZ fingerprint. One writer produces the text for both: into a
// string for canonical_layout_text(), straight into the CRC for layout_fingerprint() (no heap).
#include "engine/layout_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace capstate::core {
namespace {

/// CRC-64/XZ: reflected polynomial 0x42F0E1EBA9EA3693, init and final XOR all ones.
constexpr std::uint64_t kCrc64ReflectedPoly = 0xC96C5795D7870F42ULL;

/// Slicing-by-8 tables for CRC-64/XZ (row k advances a byte through k more zero bytes).
using Crc64Tables = std::array<std::array<std::uint64_t, 256>, 8>;

constexpr Crc64Tables make_crc64_tables() {
  Crc64Tables t{};
  for (std::uint64_t b = 0; b < 256; ++b) {
    std::uint64_t crc = b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ ((crc & 1U) != 0 ? kCrc64ReflectedPoly : 0U);
    }
    t[0][b] = crc;
  }
  for (std::size_t row = 1; row < 8; ++row) {
    for (std::size_t b = 0; b < 256; ++b) {
      const std::uint64_t prev = t[row - 1][b];
      t[row][b] = (prev >> 8) ^ t[0][prev & 0xffU];
    }
  }
  return t;
}

constexpr Crc64Tables kCrc64 = make_crc64_tables();

/// Appends the text to a std::string.
class StringSink {
 public:
  void put(std::string_view text) { out_ += text; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

/// Feeds the text to CRC-64/XZ through a small buffer, eight bytes per step.
class CrcSink {
 public:
  void put(std::string_view text) {
    while (!text.empty()) {
      const std::size_t n = std::min(text.size(), buf_.size() - used_);
      text.copy(buf_.data() + used_, n);
      used_ += n;
      text.remove_prefix(n);
      if (used_ == buf_.size()) {
        flush();
      }
    }
  }
  std::uint64_t checksum() {
    flush();
    return ~crc_;
  }

 private:
  void flush() {
    const auto* p = reinterpret_cast<const unsigned char*>(buf_.data());
    std::size_t n = used_;
    while (n >= 8) {
      std::uint64_t v = 0;
      for (int i = 0; i < 8; ++i) {
        v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
      }
      v ^= crc_;
      crc_ = kCrc64[7][v & 0xffU] ^ kCrc64[6][(v >> 8) & 0xffU] ^ kCrc64[5][(v >> 16) & 0xffU] ^
             kCrc64[4][(v >> 24) & 0xffU] ^ kCrc64[3][(v >> 32) & 0xffU] ^
             kCrc64[2][(v >> 40) & 0xffU] ^ kCrc64[1][(v >> 48) & 0xffU] ^ kCrc64[0][v >> 56];
      p += 8;
      n -= 8;
    }
    while (n-- > 0) {
      crc_ = (crc_ >> 8) ^ kCrc64[0][(crc_ ^ *p++) & 0xffU];
    }
    used_ = 0;
  }

  std::uint64_t crc_ = ~std::uint64_t{0};
  std::array<char, 512> buf_{};
  std::size_t used_ = 0;
};

/// Writes the pieces of the canonical text to a sink (StringSink or CrcSink).
template <typename Sink>
class TextWriter {
 public:
  explicit TextWriter(Sink& sink) : sink_(sink) {}

  TextWriter& operator<<(std::string_view text) {
    sink_.put(text);
    return *this;
  }
  /// Decimal digits of `value`.
  TextWriter& dec(std::uint64_t value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    sink_.put(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    return *this;
  }
  /// "0x" and at least `digits` lower-case hex digits of `value` (as printf "0x%0*x").
  TextWriter& hex(std::uint32_t value, int digits) {
    char buf[16];
    const auto end = std::to_chars(buf, buf + sizeof buf, value, 16).ptr;
    const auto used = static_cast<int>(end - buf);
    sink_.put("0x");
    for (int i = used; i < digits; ++i) {
      sink_.put("0");
    }
    sink_.put(std::string_view(buf, static_cast<std::size_t>(used)));
    return *this;
  }

  void source(const Condition& c) {
    switch (c.source) {
      case ValueSource::capability_register:
        *this << "reg";
        dec(width_bits(c.width)) << "@";
        hex(c.offset, 4);
        return;
      case ValueSource::capability_version:
        *this << "cap_version";
        return;
      case ValueSource::saved_field:
        *this << "field:" << c.field;
        return;
      case ValueSource::header_register:
        *this << "header";
        dec(width_bits(c.width)) << "@";
        hex(c.offset, 4);
        return;
      case ValueSource::standard_capability_register:
        *this << "cap";
        hex(c.capability_id, 2) << ":reg";
        dec(width_bits(c.width)) << "@";
        hex(c.offset, 4);
        return;
    }
    *this << "unknown_source";
  }

  void test(const Condition& c) {
    switch (c.test) {
      case Test::value_in_set: {
        *this << "in {";
        bool first = true;
        for (unsigned v = 0; v < 32; ++v) {
          if ((c.operand >> v) & 1U) {
            *this << (first ? "" : ",");
            dec(v);
            first = false;
          }
        }
        *this << "}";
        return;
      }
      case Test::value_at_least:
        *this << ">= ";
        dec(c.operand);
        return;
      case Test::any_bit_set:
        *this << "!= 0";
        return;
      case Test::equals:
        *this << "== ";
        hex(c.operand, 1);
        return;
      case Test::always:
      case Test::never:
        break;
    }
    *this << "unknown_test";
  }

  void presence(const Presence& presence) {
    for (const Condition& c : presence.all_of) {
      if (c.test == Test::never) {
        *this << "never";
        return;
      }
    }
    bool any = false;
    for (const Condition& c : presence.all_of) {
      if (c.test == Test::always) {
        continue;
      }
      *this << (any ? " and " : "") << "[(";
      source(c);
      *this << " & ";
      hex(c.mask, 8) << ") >> ";
      dec(c.shift) << " ";
      test(c);
      *this << "]";
      any = true;
    }
    if (!any) {
      *this << "always";
    }
  }

  /// Escapes characters that would break the line structure of the text.
  void escaped_line(std::string_view text) {
    for (char ch : text) {
      if (ch == '\\') {
        *this << "\\\\";
      } else if (ch == '\n') {
        *this << "\\n";
      } else if (ch == '\r') {
        *this << "\\r";
      } else {
        *this << std::string_view(&ch, 1);
      }
    }
  }

  // One field line, without its newline. must_match, transient and retries appear only when set,
  // so the text (and fingerprint) of every layout written before they existed stays the same.
  void field(std::string_view keyword, const Field& f) {
    *this << keyword << " " << f.name << " offset=";
    hex(f.offset, 4) << " width=";
    dec(width_bits(f.width)) << " writable=";
    hex(f.writable, 8) << " w1c=";
    hex(f.w1c, 8) << " verify=";
    hex(f.verify, 8) << " phase=";
    dec(f.phase) << " present=";
    presence(f.presence);
    if (f.must_match != 0) {
      *this << " must_match=";
      hex(f.must_match, 8);
    }
    if (f.transient != 0) {
      *this << " transient=";
      hex(f.transient, 8);
    }
    if (f.retries != 0) {
      *this << " retries=";
      dec(f.retries);
    }
  }

  // An array: its header line, then one "element" line per element field. Layouts without arrays
  // print nothing here.
  void array(const Array& a) {
    *this << "array " << a.name << " saved=" << a.saved_name << " count=" << a.count_name
          << " from=";
    if (a.count.field.empty()) {
      dec(a.count.constant);
    } else {
      *this << "(field:" << a.count.field << " & ";
      hex(a.count.mask, 8) << ") >> ";
      dec(a.count.shift) << " + ";
      dec(a.count.plus);
    }
    *this << " max=";
    dec(a.count.max) << " at=";
    if (a.place.space == Space::config) {
      *this << "config+";
      hex(a.place.offset, 4);
      // A located table only: every layout without a config locator keeps its text.
      if (!a.place.locator.empty()) {
        *this << "+(field:" << a.place.locator << " offset&";
        hex(a.place.offset_mask, 8) << " unit_shift=";
        dec(a.place.unit_shift) << ")";
      }
    } else {
      *this << "bar(field:" << a.place.locator << " bar&";
      hex(a.place.bar_mask, 8) << " offset&";
      hex(a.place.offset_mask, 8) << ")";
    }
    *this << " stride=";
    dec(a.stride) << " present=";
    presence(a.presence);
    *this << " elements=";
    dec(a.fields.size()) << "\n";
    for (const Field& f : a.fields) {
      field("element", f);
      *this << "\n";
    }
  }

  void layout(std::string_view plugin, const Layout& layout) {
    *this << kLayoutTextTag << "\nplugin " << plugin << "\nschema ";
    dec(layout.schema_version) << "\nencoding " << to_string(layout.encoding) << "\nfields ";
    dec(layout.fields.size()) << "\n";
    for (const Field& f : layout.fields) {
      field("field", f);
      *this << "\n";
    }
    for (const Array& a : layout.arrays) {
      array(a);
    }
    if (layout.earlier_fingerprint != 0) {
      *this << "earlier_fingerprint 0x";
      for (int shift = 60; shift >= 0; shift -= 4) {
        *this << std::string_view(&"0123456789abcdef"[(layout.earlier_fingerprint >> shift) & 0xfU],
                                  1);
      }
      *this << "\n";
    }
    *this << "extra ";
    if (layout.extra.empty()) {
      *this << "none";
    } else {
      escaped_line(layout.extra);
    }
    *this << "\nend\n";
  }

 private:
  Sink& sink_;
};

}  // namespace

std::string_view to_string(Encoding encoding) {
  return encoding == Encoding::all_fields ? "all_fields" : "present_fields";
}

std::string presence_text(const Presence& presence) {
  StringSink sink;
  TextWriter(sink).presence(presence);
  return sink.take();
}

std::string canonical_layout_text(std::string_view plugin, const Layout& layout) {
  StringSink sink;
  TextWriter(sink).layout(plugin, layout);
  return sink.take();
}

std::uint64_t layout_fingerprint(std::string_view plugin, const Layout& layout) {
  CrcSink sink;
  TextWriter(sink).layout(plugin, layout);
  return sink.checksum();
}

std::uint64_t crc64_xz(std::string_view bytes) {
  CrcSink sink;
  sink.put(bytes);
  return sink.checksum();
}

}  // namespace capstate::core
