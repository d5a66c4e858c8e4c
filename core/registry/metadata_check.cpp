#include "registry/metadata_check.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "capstate/sdk/config_space.hpp"
#include "registry/registry.hpp"

namespace capstate::core {
namespace {

std::string hex(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", static_cast<unsigned>(v));
  return text;
}

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
        {"verify", f.verify}}) {
    if (auto p = mask_problem(what, mask, f.width); !p.empty()) {
      return p;
    }
  }
  for (const auto& c : f.presence.all_of) {
    if (c.test == Test::always || c.test == Test::never) {
      continue;
    }
    if (c.source == ValueSource::saved_field) {
      bool found = false;
      for (const auto& e : earlier) {
        found = found || e.name == c.field;
      }
      if (!found) {
        return "presence refers to '" + std::string(c.field) + "', which is not an earlier field";
      }
    } else if (c.source == ValueSource::capability_register && !valid_width(c.width)) {
      return "presence reads a register of width " +
             std::to_string(static_cast<unsigned>(c.width)) + ", not 1, 2 or 4";
    }
  }
  return {};
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
    if ((mine & theirs) != 0) {
      return "(bytes " + hex(begin) + ".." + hex(end - 1) + ", writable " + hex(f.writable) +
             ") overlaps field '" + std::string(e.name) + "' (bytes " + hex(e_begin) + ".." +
             hex(e_end - 1) + ", writable " + hex(e.writable) +
             ") and both restore the same bits; give each writable bit to one field only";
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
    if (auto p = field_problem(f, layout.fields.first(i)); !p.empty()) {
      return where + "field " + std::to_string(i) + " '" + std::string(f.name) + "': " + p;
    }
    if (auto p = overlap_problem(f, layout.fields.first(i)); !p.empty()) {
      return where + "field " + std::to_string(i) + " '" + std::string(f.name) + "' " + p;
    }
  }
  return {};
}

}  // namespace

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
  if (info.handles.empty()) {
    return who + "handles no capabilities";
  }
  std::vector<CapabilityId> seen;
  for (const auto& cap : info.handles) {
    for (const auto& s : seen) {
      if (s == cap) {
        return who + "lists capability " + capability_key(cap) + " twice in handles";
      }
    }
    seen.push_back(cap);
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
