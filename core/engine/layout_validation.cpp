// validate_layout: the static checks every layout must pass before it is used.
#include <algorithm>
#include <cstdio>
#include <set>

#include "engine/field_codec.hpp"

namespace capstate::core {
namespace {

constexpr std::size_t kMaxFields = 32;

bool valid_width(Width w) {
  return w == Width::byte || w == Width::word || w == Width::dword;
}

bool valid_name(std::string_view name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(v));
  return buf;
}

// Checks one access (field or presence register) for width, alignment and range.
void check_access(std::vector<std::string>& out, const std::string& who, std::uint16_t offset,
                  Width width) {
  if (!valid_width(width)) {
    out.push_back(who + ": width " + std::to_string(static_cast<unsigned>(width)) +
                  " is not 1, 2 or 4 bytes");
    return;
  }
  if (offset % width_bytes(width) != 0) {
    out.push_back(who + ": offset " + hex(offset) + " is not aligned to its " +
                  std::to_string(width_bits(width)) + "-bit width");
  }
  if (offset + width_bytes(width) > kExtendedSize) {
    out.push_back(who + ": offset " + hex(offset) + " + " + std::to_string(width_bytes(width)) +
                  " bytes lies beyond the 4096-byte configuration space");
  }
}

void check_mask(std::vector<std::string>& out, const std::string& who, const char* what,
                std::uint32_t mask, Width width) {
  if (valid_width(width) && (mask & ~width_mask(width)) != 0) {
    out.push_back(who + ": " + what + " mask " + hex(mask) + " has bits beyond the " +
                  std::to_string(width_bits(width)) + "-bit width");
  }
}

// The writable mask of `f` moved to bit positions counted from the byte at `base`.
std::uint64_t placed_mask(const Field& f, std::uint16_t base) {
  return static_cast<std::uint64_t>(f.writable & width_mask(f.width)) << (8 * (f.offset - base));
}

}  // namespace

std::vector<std::string> validate_layout(std::string_view plugin, const Layout& layout) {
  std::vector<std::string> out;
  const std::string where =
      "plugin '" + std::string(plugin) + "' schema " + std::to_string(layout.schema_version);
  if (layout.schema_version == 0) {
    out.push_back(where + ": schema version 0 is reserved; versions start at 1");
  }
  if (layout.fields.size() > kMaxFields) {
    out.push_back(where + ": " + std::to_string(layout.fields.size()) +
                  " fields; a layout has at most 32");
  }
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < layout.fields.size(); ++i) {
    const Field& f = layout.fields[i];
    const std::string who = where + " field '" + std::string(f.name) + "'";
    if (!valid_name(f.name)) {
      out.push_back(who + ": name must start with a-z and use only a-z, 0-9, '_' and '.'");
    }
    if (!names.insert(f.name).second) {
      out.push_back(who + ": duplicate field name");
    }
    check_access(out, who, f.offset, f.width);
    check_mask(out, who, "writable", f.writable, f.width);
    check_mask(out, who, "w1c", f.w1c, f.width);
    check_mask(out, who, "verify", f.verify, f.width);
    for (const Condition& c : f.presence.all_of) {
      if (c.test == Test::always || c.test == Test::never) {
        continue;
      }
      if (c.shift >= 32) {
        out.push_back(who + ": presence shift " + std::to_string(c.shift) + " is 32 or more");
      }
      if (c.source == ValueSource::capability_register) {
        check_access(out, who + " presence register", c.offset, c.width);
        check_mask(out, who + " presence register", "condition", c.mask, c.width);
      } else if (c.source == ValueSource::saved_field) {
        auto earlier_end = layout.fields.begin() + static_cast<std::ptrdiff_t>(i);
        auto it = std::find_if(layout.fields.begin(), earlier_end,
                               [&](const Field& e) { return e.name == c.field; });
        if (it == earlier_end) {
          const bool exists = std::any_of(layout.fields.begin(), layout.fields.end(),
                                          [&](const Field& e) { return e.name == c.field; });
          out.push_back(who + ": presence names field '" + std::string(c.field) + "', which " +
                        (exists ? "is not earlier in the layout" : "does not exist"));
        }
      }
    }
    // Overlap with earlier fields: shared bytes must not be writable by both.
    for (std::size_t j = 0; j < i; ++j) {
      const Field& g = layout.fields[j];
      if (!valid_width(f.width) || !valid_width(g.width)) {
        continue;
      }
      const unsigned f_end = f.offset + width_bytes(f.width);
      const unsigned g_end = g.offset + width_bytes(g.width);
      if (f.offset >= g_end || g.offset >= f_end) {
        continue;
      }
      const std::uint16_t base = std::min(f.offset, g.offset);
      if ((placed_mask(f, base) & placed_mask(g, base)) != 0) {
        out.push_back(who + ": overlaps field '" + std::string(g.name) +
                      "' and both make the same bits writable");
      }
    }
  }
  return out;
}

}  // namespace capstate::core
