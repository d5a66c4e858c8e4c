// Arrays of a layout: element count and place, reading them from a device, their named values and
// their bytes in a payload (u8 saved, u16 count, then the elements' fields little-endian).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/field_codec.hpp"
#include "util/target_text.hpp"

namespace capstate::core {
namespace {

std::string element_name(const Array& a, std::uint32_t index, const Field& f) {
  return fmt::format("{}[{}].{}", a.name, index, f.name);
}

void put_le(std::vector<std::uint8_t>& out, std::uint32_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

// Whether the array's presence holds; its conditions may read capability and header registers
// and the saved fields.
bool array_present(const Array& a, const Capability& cap, RegisterCache& regs,
                   std::span<const SavedField> fields) {
  return presence_holds(a.presence, cap, regs, fields);
}

}  // namespace

std::uint32_t array_count(std::string_view plugin, const Array& array,
                          std::span<const SavedField> fields) {
  std::uint32_t count = array.count.constant;
  if (!array.count.field.empty()) {
    const std::uint32_t raw = saved_value(fields, array.count.field) & array.count.mask;
    count = (array.count.shift >= 32 ? 0 : raw >> array.count.shift) + array.count.plus;
  }
  if (count > array.count.max) {
    throw PayloadError(fmt::format(
        "plugin '{}' array '{}': the device reports {} elements, more than the layout's max {}; "
        "the plugin's layout is too small for this device, report it to the plugin's authors",
        plugin, array.name, count, array.count.max));
  }
  return count;
}

ArrayPlace array_place(const Array& array, const Capability& cap,
                       std::span<const SavedField> fields) {
  ArrayPlace place;
  place.space = array.place.space;
  if (array.place.space == Space::config) {
    place.base = std::uint64_t{cap.offset} + array.place.offset;
    if (!array.place.locator.empty() && array.place.offset_mask != 0) {
      const std::uint32_t bits = saved_value(fields, array.place.locator) & array.place.offset_mask;
      const auto low = static_cast<unsigned>(__builtin_ctz(array.place.offset_mask));
      // The layout check keeps unit_shift small; capped at 31 the 64-bit shift cannot overflow,
      // and any non-zero offset shifted that far still lies beyond configuration space.
      const std::uint64_t units = bits >> low;
      place.base += units << std::min<unsigned>(array.place.unit_shift, 31);
    }
    return place;
  }
  const std::uint32_t locator = saved_value(fields, array.place.locator);
  const std::uint32_t bar_bits = locator & array.place.bar_mask;
  const unsigned low =
      array.place.bar_mask == 0 ? 0 : static_cast<unsigned>(__builtin_ctz(array.place.bar_mask));
  place.bar = static_cast<std::uint8_t>(std::min<std::uint32_t>(bar_bits >> low, 0xff));
  place.base = locator & array.place.offset_mask;
  return place;
}

std::string config_array_out_of_range(const Array& array, const Capability& cap,
                                      const ArrayPlace& place, std::uint32_t count) {
  if (place.space != Space::config || count == 0 || array.fields.empty()) {
    return {};
  }
  std::uint64_t element_end = 0;
  for (const Field& f : array.fields) {
    element_end = std::max<std::uint64_t>(element_end, f.offset + width_bytes(f.width));
  }
  const std::uint64_t end = place.base + std::uint64_t{count - 1} * array.stride + element_end;
  const std::uint64_t lowest = cap.kind == CapKind::extended ? kConventionalSize : 0;
  if (place.base >= lowest && end <= kExtendedSize) {
    return {};
  }
  return fmt::format(
      "field '{}' places its {} elements of {} bytes at 0x{:x}..0x{:x}, outside configuration "
      "space 0x{:03x}..0x{:03x} of {}",
      array.place.locator, count, array.stride, place.base, end - 1, lowest, kExtendedSize - 1,
      target_text(cap));
}

std::vector<ArrayValues> read_arrays(std::string_view plugin, const Layout& layout,
                                     const Capability& cap, std::span<const SavedField> fields,
                                     RegisterCache& regs, BarSpace* bars,
                                     std::vector<std::string>* warnings) {
  std::vector<ArrayValues> out;
  out.reserve(layout.arrays.size());
  for (const Array& a : layout.arrays) {
    ArrayValues values;
    if (!array_present(a, cap, regs, fields)) {
      out.push_back(std::move(values));
      continue;
    }
    values.count = array_count(plugin, a, fields);
    const ArrayPlace place = array_place(a, cap, fields);
    const std::uint64_t span_bytes = std::uint64_t{values.count} * a.stride;
    if (place.space == Space::config && !a.place.locator.empty()) {
      // A table a register locates can lie anywhere the register says: one that would reach
      // outside configuration space (or into the first 256 bytes, for an extended capability)
      // is not read, as a BAR table that cannot be reached.
      if (const std::string why = config_array_out_of_range(a, cap, place, values.count);
          !why.empty()) {
        if (warnings != nullptr) {
          warnings->push_back(fmt::format("{}: {} array '{}' of plugin '{}' not saved: {}",
                                          regs.device_name(), target_text(cap), a.name, plugin,
                                          why));
        }
        out.push_back(std::move(values));
        continue;
      }
    }
    if (place.space == Space::config) {
      values.values.reserve(std::size_t{values.count} * a.fields.size());
      for (std::uint32_t i = 0; i < values.count; ++i) {
        for (const Field& f : a.fields) {
          const std::uint64_t at = place.base + std::uint64_t{i} * a.stride + f.offset;
          values.values.push_back(regs.read_absolute(static_cast<std::uint32_t>(at), f.width));
        }
      }
      values.saved = true;
      out.push_back(std::move(values));
      continue;
    }
    std::string why;
    if (bars == nullptr) {
      why = "the source has no BAR memory";
    } else if (place.bar > 5 || !bars->has_bar(place.bar)) {
      why = fmt::format("BAR {} is not accessible", place.bar);
    } else if (place.base + span_bytes > bars->bar_size(place.bar)) {
      why = fmt::format("it ends at 0x{:x}, beyond BAR {}'s 0x{:x} bytes", place.base + span_bytes,
                        place.bar, bars->bar_size(place.bar));
    }
    if (why.empty()) {
      try {
        values.values.reserve(std::size_t{values.count} * a.fields.size());
        for (std::uint32_t i = 0; i < values.count; ++i) {
          for (const Field& f : a.fields) {
            values.values.push_back(
                bars->read32(place.bar, place.base + std::uint64_t{i} * a.stride + f.offset));
          }
        }
        values.saved = true;
      } catch (const AccessError& e) {
        values.values.clear();
        why = e.what();
        if (warnings != nullptr) {
          warnings->push_back(fmt::format("{}: {} array '{}' of plugin '{}' not saved: {}",
                                          regs.device_name(), target_text(cap), a.name, plugin,
                                          why));
        }
      }
    }
    out.push_back(std::move(values));
  }
  return out;
}

std::vector<DecodedValue> array_named_values(const Layout& layout,
                                             std::span<const ArrayValues> arrays) {
  std::vector<DecodedValue> out;
  for (std::size_t k = 0; k < layout.arrays.size() && k < arrays.size(); ++k) {
    const Array& a = layout.arrays[k];
    const ArrayValues& v = arrays[k];
    out.push_back({std::string(a.saved_name), v.saved ? 1U : 0U, 8});
    out.push_back({std::string(a.count_name), v.count, 16});
    if (!v.saved) {
      continue;
    }
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < v.count; ++i) {
      for (const Field& f : a.fields) {
        out.push_back({element_name(a, i, f), n < v.values.size() ? v.values[n] : 0,
                       static_cast<std::uint8_t>(width_bits(f.width))});
        ++n;
      }
    }
  }
  return out;
}

std::vector<ArrayValues> take_array_values(std::string_view plugin, const Layout& layout,
                                           std::vector<DecodedValue>& values) {
  std::vector<ArrayValues> out;
  if (layout.arrays.empty()) {
    return out;
  }
  std::map<std::string, std::uint64_t, std::less<>> named;
  std::vector<DecodedValue> rest;
  const auto belongs = [&](const std::string& name) {
    return std::any_of(layout.arrays.begin(), layout.arrays.end(), [&](const Array& a) {
      return name == a.saved_name || name == a.count_name ||
             (name.size() > a.name.size() && name.starts_with(a.name) &&
              name[a.name.size()] == '[');
    });
  };
  for (DecodedValue& v : values) {
    if (!belongs(v.name)) {
      rest.push_back(std::move(v));
      continue;
    }
    if (!named.emplace(v.name, v.value).second) {
      throw PayloadError(fmt::format("plugin '{}' schema {}: value '{}' is given twice", plugin,
                                     layout.schema_version, v.name));
    }
  }
  values = std::move(rest);
  const auto take = [&](const std::string& name, std::uint64_t max) {
    auto it = named.find(name);
    if (it == named.end()) {
      throw PayloadError(fmt::format("plugin '{}' schema {}: value '{}' is missing", plugin,
                                     layout.schema_version, name));
    }
    const std::uint64_t v = it->second;
    named.erase(it);
    if (v > max) {
      throw PayloadError(fmt::format("plugin '{}' schema {}: value '{}' is 0x{:x}, at most 0x{:x}",
                                     plugin, layout.schema_version, name, v, max));
    }
    return static_cast<std::uint32_t>(v);
  };
  for (const Array& a : layout.arrays) {
    ArrayValues v;
    v.saved = take(std::string(a.saved_name), 1) == 1;
    v.count = take(std::string(a.count_name), a.count.max);
    if (v.saved) {
      for (std::uint32_t i = 0; i < v.count; ++i) {
        for (const Field& f : a.fields) {
          v.values.push_back(take(element_name(a, i, f), width_mask(f.width)));
        }
      }
    }
    out.push_back(std::move(v));
  }
  if (!named.empty()) {
    throw PayloadError(fmt::format(
        "plugin '{}' schema {}: value '{}' is not an element of the saved arrays (check the "
        "saved flag and the count)",
        plugin, layout.schema_version, named.begin()->first));
  }
  return out;
}

void pack_arrays(const Layout& layout, std::span<const ArrayValues> arrays,
                 std::vector<std::uint8_t>& out) {
  if (arrays.size() != layout.arrays.size()) {
    throw PayloadError(fmt::format("pack_arrays: {} arrays for the {} of schema {}", arrays.size(),
                                   layout.arrays.size(), layout.schema_version));
  }
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const Array& a = layout.arrays[k];
    const ArrayValues& v = arrays[k];
    if (v.saved && v.values.size() != std::size_t{v.count} * a.fields.size()) {
      throw PayloadError(
          fmt::format("pack_arrays: array '{}' has {} values for {} elements of {} "
                      "fields",
                      a.name, v.values.size(), v.count, a.fields.size()));
    }
    put_le(out, v.saved ? 1 : 0, 1);
    put_le(out, v.count, 2);
    if (!v.saved) {
      continue;
    }
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < v.count; ++i) {
      for (const Field& f : a.fields) {
        put_le(out, v.values[n++] & width_mask(f.width), width_bytes(f.width));
      }
    }
  }
}

NamedValues to_named_values(std::string_view plugin, const Layout& layout,
                            std::span<const std::uint8_t> payload) {
  const UnpackedPayload unpacked = unpack_payload(plugin, layout, payload);
  if (!unpacked.extra.empty()) {
    throw PayloadError(fmt::format(
        "plugin '{}' schema {}: the record carries {} plugin-coded extra bytes, which named values "
        "cannot hold; the plugin's migration step must work on bytes (MigrationStep::apply)",
        plugin, layout.schema_version, unpacked.extra.size()));
  }
  NamedValues out;
  for (const FieldValue& f : unpacked.fields) {
    if (f.present) {
      out.set(f.name, f.value);
    }
  }
  for (const DecodedValue& v : array_named_values(layout, unpacked.arrays)) {
    out.set(v.name, static_cast<std::uint32_t>(v.value));
  }
  return out;
}

std::vector<std::uint8_t> from_named_values(std::string_view plugin, const Layout& layout,
                                            const NamedValues& values) {
  std::vector<FieldValue> fields;
  std::vector<DecodedValue> rest;
  for (const NamedValues::Value& v : values.values()) {
    const auto field = std::find_if(layout.fields.begin(), layout.fields.end(),
                                    [&](const Field& f) { return f.name == v.name; });
    if (field != layout.fields.end()) {
      fields.push_back({v.name, v.value, true, field->width});
    } else {
      rest.push_back({v.name, v.value, 32});
    }
  }
  for (const Field& f : layout.fields) {
    const bool given = std::any_of(fields.begin(), fields.end(),
                                   [&](const FieldValue& v) { return v.name == f.name; });
    if (!given) {
      fields.push_back({std::string(f.name), 0, false, f.width});
    }
  }
  std::vector<std::uint8_t> out = pack_named_fields(plugin, layout, fields);
  const std::vector<ArrayValues> arrays = take_array_values(plugin, layout, rest);
  if (!rest.empty()) {
    throw PayloadError(
        fmt::format("plugin '{}' schema {}: value '{}' is neither a field nor an "
                    "array value of this schema",
                    plugin, layout.schema_version, rest.front().name));
  }
  pack_arrays(layout, arrays, out);
  return out;
}

}  // namespace capstate::core
