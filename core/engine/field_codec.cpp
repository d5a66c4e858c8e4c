// Presence evaluation, cached register reads and payload packing for layouts.
#include "engine/field_codec.hpp"

#include <algorithm>
#include <set>

#include "util/hex.hpp"

namespace capstate::core {
namespace {

constexpr std::size_t kBitmapBytes = 4;

std::string where(std::string_view plugin, const Layout& layout) {
  return "plugin '" + std::string(plugin) + "' schema " + std::to_string(layout.schema_version);
}

void put_le(std::vector<std::uint8_t>& out, std::uint32_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

std::uint32_t get_le(std::span<const std::uint8_t> in, std::size_t at, unsigned bytes) {
  std::uint32_t value = 0;
  for (unsigned i = 0; i < bytes; ++i) {
    value |= static_cast<std::uint32_t>(in[at + i]) << (8 * i);
  }
  return value;
}

}  // namespace

std::uint32_t RegisterCache::read(std::uint16_t offset, Width width) {
  const std::uint32_t absolute = static_cast<std::uint32_t>(cap_.offset) + offset;
  if (absolute + width_bytes(width) > config_.size()) {
    throw AccessError(config_.device_name() + ": register at capability offset " + hex(offset) +
                      " (config offset " + hex(absolute) + ") lies beyond the " +
                      std::to_string(config_.size()) +
                      "-byte configuration space; the layout or the capability offset is wrong");
  }
  return read_absolute(absolute, width);
}

std::uint32_t RegisterCache::read_absolute(std::uint32_t absolute, Width width) {
  const auto same = [&](const Entry& e) { return e.offset == absolute && e.width == width; };
  const auto inline_end = inline_.begin() + static_cast<std::ptrdiff_t>(std::min(count_, kInline));
  if (auto it = std::find_if(inline_.begin(), inline_end, same); it != inline_end) {
    return it->value;
  }
  if (auto it = std::find_if(more_.begin(), more_.end(), same); it != more_.end()) {
    return it->value;
  }
  if (absolute + width_bytes(width) > config_.size()) {
    throw AccessError(config_.device_name() + ": register at config offset " + hex(absolute) +
                      " lies beyond the " + std::to_string(config_.size()) +
                      "-byte configuration space; the layout is wrong");
  }
  const std::uint32_t value = config_.read(static_cast<std::uint16_t>(absolute), width);
  const Entry entry{static_cast<std::uint16_t>(absolute), width, value};
  if (count_ < kInline) {
    inline_[count_] = entry;
  } else {
    more_.push_back(entry);
  }
  ++count_;
  return value;
}

// Where the standard capability `id` starts, 0 when the function has none: the list from the
// Capabilities Pointer (0x34) when Status (0x06) bit 4 says there is one, at most 48 entries
// (a looping list ends there).
std::uint16_t standard_capability(RegisterCache& regs, std::uint8_t id) {
  constexpr std::uint16_t kStatus = 0x06;
  constexpr std::uint32_t kHasList = 0x10;
  constexpr std::uint16_t kPointer = 0x34;
  if ((regs.read_absolute(kStatus, Width::word) & kHasList) == 0) {
    return 0;
  }
  std::uint16_t at = regs.read_absolute(kPointer, Width::byte) & 0xfc;
  for (int hops = 0; hops < 48 && at >= 0x40; ++hops) {
    if (regs.read_absolute(at, Width::byte) == id) {
      return at;
    }
    at = regs.read_absolute(at + 1, Width::byte) & 0xfc;
  }
  return 0;
}

bool condition_holds(const Condition& c, const Capability& cap, RegisterCache& regs,
                     std::span<const SavedField> earlier) {
  if (c.test == Test::always) {
    return true;
  }
  if (c.test == Test::never) {
    return false;
  }
  std::uint32_t raw = 0;
  switch (c.source) {
    case ValueSource::capability_register:
      raw = regs.read(c.offset, c.width);
      break;
    case ValueSource::capability_version:
      raw = cap.version;
      break;
    case ValueSource::header_register:
      raw = regs.read_absolute(c.offset, c.width);
      break;
    case ValueSource::standard_capability_register:
      if (const std::uint16_t at = standard_capability(regs, c.capability_id); at != 0) {
        raw = regs.read_absolute(at + c.offset, c.width);
      }
      break;
    case ValueSource::saved_field: {
      auto it = std::find_if(earlier.begin(), earlier.end(),
                             [&](const SavedField& f) { return f.name == c.field; });
      if (it == earlier.end()) {
        throw PayloadError("presence condition names field '" + std::string(c.field) +
                           "', which is not an earlier field of the layout; fix the layout");
      }
      raw = it->present ? it->value : 0;
      break;
    }
  }
  const std::uint32_t masked = raw & c.mask;
  const std::uint32_t value = c.shift >= 32 ? 0 : masked >> c.shift;
  switch (c.test) {
    case Test::value_in_set:
      return value < 32 && ((c.operand >> value) & 1U) != 0;
    case Test::value_at_least:
      return value >= c.operand;
    case Test::any_bit_set:
      return masked != 0;
    case Test::equals:
      return value == c.operand;
    case Test::always:
    case Test::never:
      break;
  }
  return false;
}

bool presence_holds(const Presence& presence, const Capability& cap, RegisterCache& regs,
                    std::span<const SavedField> earlier) {
  // A never condition decides without reading anything.
  if (never_present(presence)) {
    return false;
  }
  return std::all_of(presence.all_of.begin(), presence.all_of.end(),
                     [&](const Condition& c) { return condition_holds(c, cap, regs, earlier); });
}

bool never_present(const Presence& presence) {
  return std::any_of(presence.all_of.begin(), presence.all_of.end(),
                     [](const Condition& c) { return c.test == Test::never; });
}

std::vector<SavedField> read_fields(const Layout& layout, const Capability& cap,
                                    RegisterCache& regs) {
  std::vector<SavedField> out;
  out.reserve(layout.fields.size());
  for (const Field& f : layout.fields) {
    SavedField saved{f.name, 0, false};
    if (presence_holds(f.presence, cap, regs, out)) {
      saved.value = regs.read(f.offset, f.width);
      saved.present = true;
    }
    out.push_back(saved);
  }
  return out;
}

std::vector<std::uint8_t> pack_fields(const Layout& layout, std::span<const SavedField> fields,
                                      std::size_t spare) {
  if (fields.size() != layout.fields.size()) {
    throw PayloadError("pack_fields: " + std::to_string(fields.size()) + " values for " +
                       std::to_string(layout.fields.size()) + " fields of schema " +
                       std::to_string(layout.schema_version));
  }
  std::size_t size = layout.encoding == Encoding::present_fields ? kBitmapBytes : 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (layout.encoding == Encoding::all_fields || fields[i].present) {
      size += width_bytes(layout.fields[i].width);
    }
  }
  std::vector<std::uint8_t> out;
  out.reserve(size + spare);
  if (layout.encoding == Encoding::present_fields) {
    std::uint32_t bitmap = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].present) {
        bitmap |= 1U << i;
      }
    }
    put_le(out, bitmap, kBitmapBytes);
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Width w = layout.fields[i].width;
    if (layout.encoding == Encoding::all_fields) {
      put_le(out, fields[i].present ? fields[i].value & width_mask(w) : 0, width_bytes(w));
    } else if (fields[i].present) {
      put_le(out, fields[i].value & width_mask(w), width_bytes(w));
    }
  }
  return out;
}

namespace {

// Walks `payload` per `layout` with the checks unpack_payload() documents, calling
// visit(field, value, present) for every field in layout order and appending the arrays to
// `arrays` (when not null); returns where the extra bytes start.
template <typename Visit>
std::size_t walk_payload(std::string_view plugin, const Layout& layout,
                         std::span<const std::uint8_t> payload, Visit&& visit,
                         std::vector<ArrayValues>* arrays) {
  std::size_t at = 0;
  std::uint32_t bitmap = 0;
  if (layout.encoding == Encoding::present_fields) {
    if (payload.size() < kBitmapBytes) {
      throw PayloadError(where(plugin, layout) + ": payload of " + std::to_string(payload.size()) +
                         " bytes is too short for the 4-byte presence bitmap; the record is "
                         "truncated or corrupt");
    }
    bitmap = get_le(payload, 0, kBitmapBytes);
    const std::size_t n = layout.fields.size();
    const std::uint32_t known = n >= 32 ? 0xffffffffU : ((1U << n) - 1U);
    if ((bitmap & ~known) != 0) {
      throw PayloadError(where(plugin, layout) + ": presence bitmap " + hex(bitmap) +
                         " marks fields beyond the " + std::to_string(n) +
                         " the layout has (unknown bits " + hex(bitmap & ~known) +
                         "); the record is corrupt or was written by another layout");
    }
    at = kBitmapBytes;
  }
  for (std::size_t i = 0; i < layout.fields.size(); ++i) {
    const Field& f = layout.fields[i];
    std::uint32_t value = 0;
    bool present = false;
    const bool stored = layout.encoding == Encoding::all_fields || ((bitmap >> i) & 1U) != 0;
    if (stored) {
      const unsigned bytes = width_bytes(f.width);
      if (at + bytes > payload.size()) {
        throw PayloadError(where(plugin, layout) + ": payload of " +
                           std::to_string(payload.size()) + " bytes ends inside field '" +
                           std::string(f.name) + "' (needs bytes " + std::to_string(at) + ".." +
                           std::to_string(at + bytes - 1) +
                           "); the record is truncated or corrupt");
      }
      value = get_le(payload, at, bytes);
      present = layout.encoding == Encoding::present_fields || !never_present(f.presence);
      at += bytes;
    }
    visit(f, value, present);
  }
  for (const Array& a : layout.arrays) {
    const std::string who = where(plugin, layout) + " array '" + std::string(a.name) + "'";
    if (at + 3 > payload.size()) {
      throw PayloadError(who + ": payload of " + std::to_string(payload.size()) +
                         " bytes ends inside the array's 3-byte header (saved flag and count); "
                         "the record is truncated or corrupt");
    }
    ArrayValues values;
    const std::uint32_t saved = payload[at];
    values.count = get_le(payload, at + 1, 2);
    at += 3;
    if (saved > 1) {
      throw PayloadError(who + ": " + std::string(a.saved_name) + " is " + std::to_string(saved) +
                         ", expected 0 or 1; the record is corrupt");
    }
    if (values.count > a.count.max) {
      throw PayloadError(who + ": " + std::string(a.count_name) + " is " +
                         std::to_string(values.count) + ", more than the " +
                         std::to_string(a.count.max) +
                         " the layout allows; the record is corrupt or was written by another "
                         "layout");
    }
    values.saved = saved == 1;
    if (values.saved) {
      std::size_t element_bytes = 0;
      for (const Field& f : a.fields) {
        element_bytes += width_bytes(f.width);
      }
      const std::size_t need = element_bytes * values.count;
      if (at + need > payload.size()) {
        throw PayloadError(who + ": " + std::to_string(values.count) + " elements need " +
                           std::to_string(need) + " bytes from byte " + std::to_string(at) +
                           ", but the payload has " + std::to_string(payload.size()) +
                           "; the record is truncated or corrupt");
      }
      if (arrays != nullptr) {
        values.values.reserve(std::size_t{values.count} * a.fields.size());
        for (std::uint32_t i = 0; i < values.count; ++i) {
          for (const Field& f : a.fields) {
            values.values.push_back(get_le(payload, at, width_bytes(f.width)));
            at += width_bytes(f.width);
          }
        }
      } else {
        at += need;
      }
    }
    if (arrays != nullptr) {
      arrays->push_back(std::move(values));
    }
  }
  if (at < payload.size() && layout.extra.empty()) {
    throw PayloadError(where(plugin, layout) + ": payload has " +
                       std::to_string(payload.size() - at) + " unexpected bytes after the " +
                       std::to_string(at) +
                       " bytes of fields and arrays, and the layout declares no extra data; the "
                       "record is corrupt or was written by another layout");
  }
  return at;
}

}  // namespace

UnpackedPayload unpack_payload(std::string_view plugin, const Layout& layout,
                               std::span<const std::uint8_t> payload) {
  UnpackedPayload out;
  out.fields.reserve(layout.fields.size());
  const std::size_t at = walk_payload(
      plugin, layout, payload,
      [&](const Field& f, std::uint32_t value, bool present) {
        out.fields.push_back(FieldValue{std::string(f.name), value, present, f.width});
      },
      &out.arrays);
  out.extra.assign(payload.begin() + static_cast<std::ptrdiff_t>(at), payload.end());
  return out;
}

void check_payload(std::string_view plugin, const Layout& layout,
                   std::span<const std::uint8_t> payload) {
  walk_payload(
      plugin, layout, payload, [](const Field&, std::uint32_t, bool) {}, nullptr);
}

std::vector<std::uint8_t> pack_named_fields(std::string_view plugin, const Layout& layout,
                                            std::span<const FieldValue> values) {
  std::set<std::string> seen;
  for (const FieldValue& v : values) {
    auto it = std::find_if(layout.fields.begin(), layout.fields.end(),
                           [&](const Field& f) { return f.name == v.name; });
    if (it == layout.fields.end()) {
      std::string names;
      for (const Field& f : layout.fields) {
        names += (names.empty() ? "" : ", ") + std::string(f.name);
      }
      throw PayloadError(where(plugin, layout) + ": unknown field '" + v.name +
                         "'; the fields of this schema are: " + names);
    }
    if (!seen.insert(v.name).second) {
      throw PayloadError(where(plugin, layout) + ": field '" + v.name + "' is given twice");
    }
    if (v.present && (v.value & ~width_mask(it->width)) != 0) {
      throw PayloadError(where(plugin, layout) + ": value " + hex(v.value) + " of field '" +
                         v.name + "' does not fit its " + std::to_string(width_bits(it->width)) +
                         " bits");
    }
  }
  std::vector<SavedField> fields;
  for (const Field& f : layout.fields) {
    auto it = std::find_if(values.begin(), values.end(),
                           [&](const FieldValue& v) { return v.name == f.name; });
    if (it == values.end()) {
      throw PayloadError(where(plugin, layout) + ": field '" + std::string(f.name) +
                         "' is missing; give it a value (present = false if the device lacks it)");
    }
    fields.push_back(SavedField{f.name, it->value, it->present});
  }
  return pack_fields(layout, fields);
}

}  // namespace capstate::core
