#include "registry/metadata_check.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "capstate/sdk/config_space.hpp"
#include "registry/claim_match.hpp"
#include "registry/registry.hpp"
#include "util/hex.hpp"

namespace capstate::core {
namespace {

bool valid_width(Width w) {
  return w == Width::byte || w == Width::word || w == Width::dword;
}

// Problem with one mask of a field, or "".
std::string mask_problem(std::string_view what, std::uint32_t mask, Width w) {
  if ((mask & ~width_mask(w)) == 0) {
    return {};
  }
  return std::string(what) + " mask " + hex(mask) + " has bits outside its " +
         std::to_string(width_bits(w)) + "-bit width";
}

// Problem with one presence condition, or ""; `earlier` are the fields it may name.
std::string condition_problem(const Condition& c, std::span<const Field> earlier) {
  if (c.test == Test::always || c.test == Test::never) {
    return {};
  }
  if (c.test > Test::equals) {
    return "presence test " + std::to_string(static_cast<unsigned>(c.test)) + " is unknown";
  }
  if (c.shift >= 32) {
    return "presence shift " + std::to_string(c.shift) + " is 32 or more";
  }
  switch (c.source) {
    case ValueSource::saved_field: {
      bool found = false;
      for (const auto& e : earlier) {
        found = found || e.name == c.field;
      }
      if (!found) {
        return "presence refers to '" + std::string(c.field) + "', which is not an earlier field";
      }
      break;
    }
    case ValueSource::capability_register:
    case ValueSource::header_register:
    case ValueSource::standard_capability_register: {
      if (!valid_width(c.width)) {
        return "presence reads a register of width " +
               std::to_string(static_cast<unsigned>(c.width)) + ", not 1, 2 or 4";
      }
      const unsigned bytes = width_bytes(c.width);
      const unsigned limit = c.source == ValueSource::header_register ? 0x40U
                             : c.source == ValueSource::standard_capability_register
                                 ? 0xc0U
                                 : kExtendedSize;
      if (c.source == ValueSource::standard_capability_register && c.capability_id == 0) {
        return "presence reads another capability's register without naming its ID";
      }
      if (c.offset % bytes != 0 || unsigned{c.offset} + bytes > limit) {
        return "presence reads " +
               std::string(c.source == ValueSource::header_register ? "header" : "capability") +
               " register " + hex(c.offset) + " of " + std::to_string(bytes) +
               " bytes, misaligned or beyond " + hex(limit);
      }
      if (auto p = mask_problem("presence", c.mask, c.width); !p.empty()) {
        return p;
      }
      break;
    }
    case ValueSource::capability_version:
      break;
    default:
      return "presence source " + std::to_string(static_cast<unsigned>(c.source)) + " is unknown";
  }
  return {};
}

std::string presence_problem(const Presence& presence, std::span<const Field> earlier) {
  for (const auto& c : presence.all_of) {
    if (auto p = condition_problem(c, earlier); !p.empty()) {
      return p;
    }
  }
  return {};
}

// Problem with one field, or "".
std::string field_problem(const Field& f, std::span<const Field> earlier) {
  if (f.name.empty()) {
    return "has an empty name";
  }
  if (!valid_width(f.width)) {
    return "width " + std::to_string(static_cast<unsigned>(f.width)) + " is not 1, 2 or 4";
  }
  const unsigned bytes = width_bytes(f.width);
  if (f.offset % bytes != 0) {
    return "offset " + hex(f.offset) + " is not aligned to its width " + std::to_string(bytes);
  }
  if (unsigned{f.offset} + bytes > kExtendedSize) {
    return "offset " + hex(f.offset) + " + width " + std::to_string(bytes) + " is beyond " +
           std::to_string(kExtendedSize);
  }
  for (const auto& [what, mask] :
       {std::pair<std::string_view, std::uint32_t>{"writable", f.writable},
        {"w1c", f.w1c},
        {"verify", f.verify},
        {"must_match", f.must_match},
        {"transient", f.transient}}) {
    if (auto p = mask_problem(what, mask, f.width); !p.empty()) {
      return p;
    }
  }
  if ((f.must_match & f.writable) != 0) {
    return "must_match " + hex(f.must_match) + " and writable " + hex(f.writable) +
           " share bits; identity bits are read-only";
  }
  return presence_problem(f.presence, earlier);
}

// Whether shifting the masked value right by c.shift drops none of the mask's bits.
bool c_shift_keeps(const Condition& c) {
  return c.shift == 0 || (c.shift < 32 && (c.mask & ((1U << c.shift) - 1U)) == 0);
}

// Whether the values (after mask and shift) that `c` accepts include `v`.
bool accepts(const Condition& c, std::uint64_t v) {
  switch (c.test) {
    case Test::value_in_set:
      return v < 32 && ((c.operand >> v) & 1U) != 0;
    case Test::value_at_least:
      return v >= c.operand;
    case Test::any_bit_set:
      return v != 0;
    case Test::equals:
      return v == c.operand;
    case Test::always:
      return true;
    case Test::never:
      return false;
  }
  return true;
}

// Whether no value can satisfy both conditions: they test the same bits of the same value, and
// the values one of them accepts (a finite set) are all refused by the other.
bool conditions_exclusive(const Condition& a, const Condition& b) {
  if (a.test == Test::never || b.test == Test::never) {
    return true;
  }
  if (a.test == Test::always || b.test == Test::always || a.source != b.source ||
      a.mask != b.mask || a.shift != b.shift) {
    return false;
  }
  if (a.source == ValueSource::saved_field && a.field != b.field) {
    return false;
  }
  if ((a.source == ValueSource::capability_register || a.source == ValueSource::header_register) &&
      (a.offset != b.offset || a.width != b.width)) {
    return false;
  }
  // any_bit_set tests the masked value before the shift; it equals "shifted value != 0" only
  // when the shift drops no bit of the mask.
  const bool shift_keeps_bits = c_shift_keeps(a);
  for (const Condition* test : {&a, &b}) {
    if (test->test == Test::any_bit_set && !shift_keeps_bits) {
      return false;
    }
  }
  const auto finite = [](const Condition& c, std::vector<std::uint64_t>& out) {
    if (c.test == Test::equals) {
      out.push_back(c.operand);
      return true;
    }
    if (c.test == Test::value_in_set) {
      for (unsigned v = 0; v < 32; ++v) {
        if ((c.operand >> v) & 1U) {
          out.push_back(v);
        }
      }
      return true;
    }
    return false;
  };
  std::vector<std::uint64_t> values;
  if (finite(a, values)) {
    return std::none_of(values.begin(), values.end(),
                        [&](std::uint64_t v) { return accepts(b, v); });
  }
  if (finite(b, values)) {
    return std::none_of(values.begin(), values.end(),
                        [&](std::uint64_t v) { return accepts(a, v); });
  }
  return false;  // two open ranges (>= n, != 0) always meet
}

// Whether no device can have both presences true: some pair of their conditions is exclusive.
bool exclusive(const Presence& a, const Presence& b) {
  for (const Condition& ca : a.all_of) {
    for (const Condition& cb : b.all_of) {
      if (conditions_exclusive(ca, cb)) {
        return true;
      }
    }
  }
  return false;
}

// Problem when `f` (already checked on its own) makes a bit writable that an earlier field over
// the same bytes also makes writable, or "". Fields may share a register (one saves it, another
// restores part of it in a later phase), but two fields restoring the same bit would each undo
// the other's write.
std::string overlap_problem(const Field& f, std::span<const Field> earlier) {
  const unsigned begin = f.offset;
  const unsigned end = begin + width_bytes(f.width);
  for (const Field& e : earlier) {
    const unsigned e_begin = e.offset;
    const unsigned e_end = e_begin + width_bytes(e.width);
    if (begin >= e_end || e_begin >= end) {
      continue;
    }
    // Both writable masks placed as bits counted from the lower of the two offsets.
    const unsigned base = std::min(begin, e_begin);
    const std::uint64_t mine = std::uint64_t{f.writable} << (8 * (begin - base));
    const std::uint64_t theirs = std::uint64_t{e.writable} << (8 * (e_begin - base));
    if ((mine & theirs) != 0 && !exclusive(f.presence, e.presence)) {
      return "(bytes " + hex(begin) + ".." + hex(end - 1) + ", writable " + hex(f.writable) +
             ") overlaps field '" + std::string(e.name) + "' (bytes " + hex(e_begin) + ".." +
             hex(e_end - 1) + ", writable " + hex(e.writable) +
             ") and both restore the same bits; give each writable bit to one field only, or make "
             "their presence conditions exclusive (variants)";
    }
  }
  return {};
}

// Whether `name` is a valid field or array name: starts with a-z, then a-z, 0-9, '_' or '.'.
bool valid_field_name(std::string_view name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

// Problem with the place of a config-space array that a field locates, or "". `locator` is the
// layout field it names, null when none (every field comes before every array). Its extent
// is checked when the array is read (the located offset is known only then); here: the locator,
// a non-empty offset mask, units below 4 KiB, and elements aligned wherever the offset puts them.
std::string located_config_problem(const Array& a, const Field* locator) {
  const Placement& p = a.place;
  if (locator == nullptr) {
    return "config locator '" + std::string(p.locator) + "' is not a field of the layout";
  }
  if (p.offset_mask == 0) {
    return "config locator '" + std::string(p.locator) + "' has an empty offset_mask";
  }
  if (valid_width(locator->width)) {
    if (auto m = mask_problem("config locator offset", p.offset_mask, locator->width); !m.empty()) {
      return m;
    }
  }
  if (p.unit_shift >= 12) {
    return "unit_shift " + std::to_string(p.unit_shift) +
           " counts units of 4 KiB or more, beyond configuration space";
  }
  if (p.offset >= kExtendedSize) {
    return "offset " + hex(p.offset) + " lies beyond configuration space";
  }
  for (const Field& f : a.fields) {
    const unsigned bytes = valid_width(f.width) ? width_bytes(f.width) : 1U;
    if ((1U << p.unit_shift) % bytes != 0 || (p.offset + f.offset) % bytes != 0 ||
        a.stride % bytes != 0) {
      return "element field '" + std::string(f.name) + "' (" + std::to_string(bytes) +
             " bytes) would be misaligned: offset " + hex(p.offset) + ", units of " +
             std::to_string(1U << p.unit_shift) + " bytes and stride " + std::to_string(a.stride) +
             " must keep it aligned";
    }
  }
  return {};
}

// Problem with one array of `layout`, or "".
std::string array_problem(const Array& a, const Layout& layout) {
  for (std::string_view n : {a.name, a.saved_name, a.count_name}) {
    if (!valid_field_name(n)) {
      return "name '" + std::string(n) +
             "' must start with a-z and use only a-z, 0-9, '_' and '.' (the array, its saved "
             "flag and its count each need one)";
    }
  }
  if (a.saved_name == a.count_name) {
    return "saved_name and count_name are both '" + std::string(a.saved_name) + "'";
  }
  const auto field_named = [&](std::string_view n) -> const Field* {
    for (const Field& f : layout.fields) {
      if (f.name == n) {
        return &f;
      }
    }
    return nullptr;
  };
  for (std::string_view n : {a.name, a.saved_name, a.count_name}) {
    if (field_named(n) != nullptr) {
      return "name '" + std::string(n) + "' is also a field of the layout";
    }
  }
  if (a.count.max == 0 || a.count.max > 0xffff) {
    return "count max " + std::to_string(a.count.max) + " must be 1 to 65535";
  }
  if (a.count.field.empty() ? a.count.constant > a.count.max
                            : field_named(a.count.field) == nullptr) {
    return a.count.field.empty()
               ? "constant count " + std::to_string(a.count.constant) + " exceeds max"
               : "count field '" + std::string(a.count.field) + "' is not a field of the layout";
  }
  if (a.count.shift >= 32) {
    return "count shift " + std::to_string(a.count.shift) + " is 32 or more";
  }
  if (a.fields.empty() || a.stride == 0) {
    return "an array needs element fields and a stride";
  }
  if (auto p = presence_problem(a.presence, layout.fields); !p.empty()) {
    return p;
  }
  if (a.place.space == Space::config && !a.place.locator.empty()) {
    if (auto p = located_config_problem(a, field_named(a.place.locator)); !p.empty()) {
      return p;
    }
  } else if (a.place.space == Space::config) {
    // A constant place: the whole array must fit, wherever the capability lies.
    const std::uint64_t end = a.place.offset + std::uint64_t{a.count.max} * a.stride;
    if (end > kExtendedSize) {
      return "its " + std::to_string(a.count.max) + " elements of " + std::to_string(a.stride) +
             " bytes from " + hex(a.place.offset) + " reach beyond configuration space";
    }
    if (a.place.unit_shift != 0) {
      return "unit_shift " + std::to_string(a.place.unit_shift) +
             " is for a config array with a locator only";
    }
  } else if (a.place.space == Space::bar) {
    if (a.place.unit_shift != 0) {
      return "unit_shift " + std::to_string(a.place.unit_shift) +
             " is for a config array with a locator only";
    }
    if (field_named(a.place.locator) == nullptr) {
      return "BAR locator '" + std::string(a.place.locator) + "' is not a field of the layout";
    }
    if (a.place.bar_mask == 0 || (a.place.bar_mask & a.place.offset_mask) != 0) {
      return "bar_mask " + hex(a.place.bar_mask) + " is empty or shares bits with offset_mask " +
             hex(a.place.offset_mask);
    }
    if (a.stride % 4 != 0) {
      return "stride " + std::to_string(a.stride) + " in BAR memory must be a multiple of 4";
    }
  } else {
    return "space " + std::to_string(static_cast<unsigned>(a.place.space)) + " is unknown";
  }
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const Field& f = a.fields[i];
    const std::string who = "element field '" + std::string(f.name) + "': ";
    if (!valid_field_name(f.name) || !names.insert(f.name).second) {
      return who + "the name is malformed or used twice";
    }
    if (auto p = field_problem(f, {}); !p.empty()) {
      return who + p;
    }
    if (f.offset + width_bytes(f.width) > a.stride) {
      return who + "it ends beyond the element's stride of " + std::to_string(a.stride) + " bytes";
    }
    if (a.place.space == Space::bar && f.width != Width::dword) {
      return who + "BAR memory is accessed in 32-bit words only";
    }
    if (std::any_of(f.presence.all_of.begin(), f.presence.all_of.end(),
                    [](const Condition& c) { return c.test != Test::always; })) {
      return who + "element fields are always present (give the array a presence instead)";
    }
    if (auto p = overlap_problem(f, a.fields.first(i)); !p.empty()) {
      return who + p;
    }
  }
  return {};
}

std::string layout_problem(const Layout& layout) {
  const std::string where = "schema " + std::to_string(layout.schema_version) + " ";
  if (layout.fields.size() > kMaxLayoutFields) {
    return where + "has " + std::to_string(layout.fields.size()) + " fields, at most " +
           std::to_string(kMaxLayoutFields);
  }
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < layout.fields.size(); ++i) {
    const Field& f = layout.fields[i];
    if (!f.name.empty() && !names.insert(f.name).second) {
      return where + "has two fields named '" + std::string(f.name) + "'";
    }
    if (!f.name.empty() && !valid_field_name(f.name)) {
      return where + "field " + std::to_string(i) + " '" + std::string(f.name) +
             "': the name must start with a-z and use only a-z, 0-9, '_' and '.'";
    }
    if (auto p = field_problem(f, layout.fields.first(i)); !p.empty()) {
      return where + "field " + std::to_string(i) + " '" + std::string(f.name) + "': " + p;
    }
    if (auto p = overlap_problem(f, layout.fields.first(i)); !p.empty()) {
      return where + "field " + std::to_string(i) + " '" + std::string(f.name) + "' " + p;
    }
  }
  std::set<std::string_view> arrays;
  for (const Array& a : layout.arrays) {
    if (!arrays.insert(a.name).second) {
      return where + "has two arrays named '" + std::string(a.name) + "'";
    }
    if (auto p = array_problem(a, layout); !p.empty()) {
      return where + "array '" + std::string(a.name) + "': " + p;
    }
  }
  return {};
}

// Problem with one claim, or "".
std::string claim_problem(const Claim& c) {
  switch (c.kind) {
    case CapKind::standard:
      if (c.id > 0xff) {
        return "standard capability ID " + hex(c.id) + " does not fit in 8 bits";
      }
      break;
    case CapKind::extended:
      break;
    case CapKind::header:
      if (c.id != 0) {
        return "a header claim has ID 0, not " + hex(c.id);
      }
      break;
    case CapKind::region: {
      const unsigned end = unsigned{c.region_offset} + c.region_size;
      if (c.id != 0 || c.region_size == 0 || c.region_offset < 0x40 || end > kExtendedSize ||
          c.region_offset % 4 != 0) {
        return "a region claim has ID 0 and a size, starts at a multiple of 4 at or above 0x40 "
               "and ends within 0x1000 (it has ID " +
               hex(c.id) + ", " + hex(c.region_offset) + " + " + hex(c.region_size) + ")";
      }
      break;
    }
    default:
      return "kind " + std::to_string(static_cast<unsigned>(c.kind)) + " is unknown";
  }
  if (c.kind != CapKind::region && (c.region_offset != 0 || c.region_size != 0)) {
    return "only region claims have a region_offset and region_size";
  }
  if (c.device.revision_min > c.device.revision_max) {
    return "revision range " + hex(c.device.revision_min) + "-" + hex(c.device.revision_max) +
           " is empty";
  }
  if ((c.device.class_code & ~c.device.class_mask) != 0 || c.device.class_mask > 0xffffff) {
    return "class code " + hex(c.device.class_code) + " has bits outside class_mask " +
           hex(c.device.class_mask) + " (24 bits at most)";
  }
  for (const Condition& cond : c.when) {
    if (cond.test != Test::always && cond.source == ValueSource::saved_field) {
      return "a claim's conditions read registers, not saved fields";
    }
    if (auto p = condition_problem(cond, {}); !p.empty()) {
      return p;
    }
  }
  return {};
}

}  // namespace

bool presences_exclusive(const Presence& a, const Presence& b) {
  return exclusive(a, b);
}

bool valid_plugin_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool option_allows(const OptionSpec& option, std::string_view value) {
  std::string_view rest = option.values;
  while (!rest.empty()) {
    const std::size_t bar = rest.find('|');
    if (rest.substr(0, bar) == value) {
      return !value.empty();
    }
    rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
  }
  return false;
}

namespace {

// What is wrong with option i of a plugin's options: an empty or badly formed name, a name
// declared twice, no allowed values, or a default that is not one of them.
std::string option_problem(std::span<const OptionSpec> options, std::size_t i) {
  const OptionSpec& o = options[i];
  const std::string who = "option " + std::to_string(i) + " ('" + std::string(o.name) + "') ";
  if (!valid_plugin_name(o.name)) {
    return who + "has a name that must match [a-z0-9_-]+";
  }
  for (std::size_t j = 0; j < i; ++j) {
    if (options[j].name == o.name) {
      return who + "is declared twice";
    }
  }
  if (o.values.empty() || o.doc.empty()) {
    return who + "must list its values and have a line of doc";
  }
  if (!option_allows(o, o.default_value)) {
    return who + "has default '" + std::string(o.default_value) + "', not one of " +
           std::string(o.values);
  }
  return {};
}

}  // namespace

std::string metadata_problem(const PluginInfo& info, std::span<const Layout> layouts) {
  const std::string bad = "metadata malformed: ";
  if (info.name.empty()) {
    return bad + "empty name";
  }
  if (!valid_plugin_name(info.name)) {
    return bad + "name '" + std::string(info.name) + "' must match [a-z0-9_-]+";
  }
  const std::string who = bad + "plugin '" + std::string(info.name) + "' ";
  if (info.version.empty()) {
    return who + "has an empty version";
  }
  if (info.claims.empty()) {
    return who + "claims no targets";
  }
  for (std::size_t i = 0; i < info.claims.size(); ++i) {
    const Claim& c = info.claims[i];
    if (auto p = claim_problem(c); !p.empty()) {
      return who + "claim " + std::to_string(i) + ": " + p;
    }
    for (std::size_t j = 0; j < i; ++j) {
      const Claim& d = info.claims[j];
      if (d.kind == c.kind && d.id == c.id && claim_specificity(d) == claim_specificity(c) &&
          claims_may_overlap(d, c)) {
        return who + "claims " + capability_key({c.kind, c.id}) +
               " twice with the same specificity (claims " + std::to_string(j) + " and " +
               std::to_string(i) + ")";
      }
    }
  }
  for (std::size_t i = 0; i < info.options.size(); ++i) {
    if (auto p = option_problem(info.options, i); !p.empty()) {
      return who + p;
    }
  }
  if (info.oldest_schema == 0 || info.oldest_schema > info.current_schema) {
    return who + "has oldest_schema " + std::to_string(info.oldest_schema) +
           ", which must be between 1 and current_schema " + std::to_string(info.current_schema);
  }
  const std::size_t expected = info.current_schema - info.oldest_schema + 1U;
  if (layouts.size() != expected) {
    return who + "declares " + std::to_string(layouts.size()) + " layouts, expected " +
           std::to_string(expected) + " (one per schema " + std::to_string(info.oldest_schema) +
           ".." + std::to_string(info.current_schema) + ")";
  }
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    const unsigned want = info.oldest_schema + i;
    if (layouts[i].schema_version != want) {
      return who + "layout " + std::to_string(i) + " has schema_version " +
             std::to_string(layouts[i].schema_version) + ", expected " + std::to_string(want) +
             " (oldest first)";
    }
    if (auto p = layout_problem(layouts[i]); !p.empty()) {
      return who + p;
    }
  }
  return {};
}

}  // namespace capstate::core
