// The msix plugin's code: saving, decoding and encoding the vector table bytes.
#include "msix_plugin.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include "msix_layout.hpp"
#include "msix_migrations.hpp"

namespace capstate::msix {
namespace {

constexpr std::array<CapabilityId, 1> kHandles{{{CapKind::standard, kCapabilityId}}};
constexpr std::size_t kHeaderBytes = 3;  // u8 table_saved + u16 entries
constexpr std::uint32_t kMaxEntries = kTableSizeMask + 1;
constexpr std::array<const char*, 4> kEntryWords{"address_lo", "address_hi", "data",
                                                 "vector_control"};

std::string entry_name(std::uint32_t index, std::size_t word) {
  return "vector[" + std::to_string(index) + "]." + kEntryWords[word];
}

std::uint32_t field_value(const SaveContext& ctx, std::string_view name) {
  for (const SavedField& f : ctx.fields) {
    if (f.name == name) {
      return f.value;
    }
  }
  throw std::logic_error("msix: the engine did not pass field '" + std::string(name) + "'");
}

void put_le(std::vector<std::uint8_t>& out, std::uint32_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

std::uint32_t get_le(std::span<const std::uint8_t> in, std::size_t at, unsigned bytes) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) {
    v |= static_cast<std::uint32_t>(in[at + i]) << (8 * i);
  }
  return v;
}

std::string hex32(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

void require_schema(std::uint16_t schema) {
  if (schema != 1 && schema != 2) {
    throw std::invalid_argument("msix: schema " + std::to_string(schema) +
                                " is not one this plugin knows (1 or 2)");
  }
}

}  // namespace

PluginInfo MsixPlugin::info() const {
  return PluginInfo{
      .name = "msix",
      .version = "1.0.0",
      .summary = "MSI-X: message control, table location and the vector table in BAR memory",
      .handles = kHandles,
      .current_schema = 2,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = true,
  };
}

std::span<const Layout> MsixPlugin::layouts() const {
  return kLayouts;
}

std::span<const MigrationStep> MsixPlugin::migrations() const {
  return migration_steps();
}

std::vector<std::uint8_t> MsixPlugin::save_extra(const SaveContext& ctx) const {
  const std::uint32_t control = field_value(ctx, "message_control");
  const std::uint32_t location = field_value(ctx, "table_location");
  const std::uint32_t entries = (control & kTableSizeMask) + 1;
  const auto bir = static_cast<std::uint8_t>(location & kBirMask);
  const std::uint64_t table = location & ~kBirMask;
  const std::uint64_t table_end = table + std::uint64_t{entries} * kEntryBytes;
  const bool reachable = ctx.bars != nullptr && bir <= 5 && ctx.bars->has_bar(bir) &&
                         table_end <= ctx.bars->bar_size(bir);
  std::vector<std::uint8_t> out;
  put_le(out, reachable ? 1 : 0, 1);
  put_le(out, entries, 2);
  if (!reachable) {
    return out;  // The record says explicitly that the table was not saved.
  }
  for (std::uint32_t i = 0; i < entries; ++i) {
    for (std::size_t w = 0; w < kEntryWords.size(); ++w) {
      put_le(out, ctx.bars->read32(bir, table + i * kEntryBytes + 4 * w), 4);
    }
  }
  return out;
}

std::vector<DecodedValue> MsixPlugin::decode_extra(std::uint16_t schema,
                                                   std::span<const std::uint8_t> extra) const {
  require_schema(schema);
  if (schema == 1) {
    if (!extra.empty()) {
      throw std::invalid_argument("msix schema 1 has no extra bytes, but " +
                                  std::to_string(extra.size()) + " were found");
    }
    return {};
  }
  if (extra.size() < kHeaderBytes) {
    throw std::invalid_argument("msix schema 2 extra bytes: " + std::to_string(extra.size()) +
                                " bytes, need at least 3 (table_saved, entries); the record is "
                                "truncated");
  }
  const std::uint32_t saved = extra[0];
  const std::uint32_t entries = get_le(extra, 1, 2);
  if (saved > 1) {
    throw std::invalid_argument("msix schema 2 extra bytes: table_saved is " +
                                std::to_string(saved) + ", expected 0 or 1");
  }
  if (entries == 0 || entries > kMaxEntries) {
    throw std::invalid_argument("msix schema 2 extra bytes: entries is " + std::to_string(entries) +
                                ", expected 1 to 2048");
  }
  const std::size_t expected = kHeaderBytes + (saved ? entries * kEntryBytes : 0);
  if (extra.size() != expected) {
    throw std::invalid_argument(
        "msix schema 2 extra bytes: " + std::to_string(extra.size()) + " bytes, expected " +
        std::to_string(expected) + " for table_saved=" + std::to_string(saved) +
        " and entries=" + std::to_string(entries) + "; the record is truncated or corrupt");
  }
  std::vector<DecodedValue> out{{"table_saved", saved, 8}, {"entries", entries, 16}};
  if (saved) {
    for (std::uint32_t i = 0; i < entries; ++i) {
      for (std::size_t w = 0; w < kEntryWords.size(); ++w) {
        out.push_back(
            {entry_name(i, w), get_le(extra, kHeaderBytes + i * kEntryBytes + 4 * w, 4), 32});
      }
    }
  }
  return out;
}

std::vector<std::uint8_t> MsixPlugin::encode_extra(std::uint16_t schema,
                                                   std::span<const DecodedValue> values) const {
  require_schema(schema);
  if (schema == 1) {
    if (!values.empty()) {
      throw std::invalid_argument("msix schema 1 has no extra values, but '" + values.front().name +
                                  "' was given");
    }
    return {};
  }
  std::map<std::string, std::uint64_t> named;
  for (const DecodedValue& v : values) {
    if (!named.emplace(v.name, v.value).second) {
      throw std::invalid_argument("msix: value '" + v.name + "' is given twice");
    }
  }
  auto take = [&](const std::string& name, std::uint64_t max) {
    auto it = named.find(name);
    if (it == named.end()) {
      throw std::invalid_argument("msix schema 2: value '" + name + "' is missing");
    }
    if (it->second > max) {
      throw std::invalid_argument("msix schema 2: value " + std::to_string(it->second) + " of '" +
                                  name + "' is larger than " + std::to_string(max));
    }
    const std::uint64_t v = it->second;
    named.erase(it);
    return static_cast<std::uint32_t>(v);
  };
  const std::uint32_t saved = take("table_saved", 1);
  const std::uint32_t entries = take("entries", kMaxEntries);
  if (entries == 0) {
    throw std::invalid_argument("msix schema 2: entries must be 1 to 2048, not 0");
  }
  std::vector<std::uint8_t> out;
  put_le(out, saved, 1);
  put_le(out, entries, 2);
  if (saved) {
    for (std::uint32_t i = 0; i < entries; ++i) {
      for (std::size_t w = 0; w < kEntryWords.size(); ++w) {
        put_le(out, take(entry_name(i, w), 0xffffffffU), 4);
      }
    }
  }
  if (!named.empty()) {
    throw std::invalid_argument("msix schema 2: unknown value '" + named.begin()->first +
                                "' (table_saved=" + std::to_string(saved) +
                                ", entries=" + std::to_string(entries) + ")");
  }
  return out;
}

void MsixPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  const bool table_saved = ctx.extra.size() >= kHeaderBytes && ctx.extra[0] == 1;
  if (!table_saved || !ctx.has_bar_access) {
    seq.fields(false);  // never write a table that was not saved, or that cannot be reached
    return;
  }
  std::uint32_t location = 0;
  for (const SavedField& f : ctx.fields) {
    location = f.name == "table_location" ? f.value : location;
  }
  const std::uint32_t entries = get_le(ctx.extra, 1, 2);
  const std::uint32_t control_now = seq.read_config(0x02, Width::word);
  const std::uint32_t location_now = seq.read_config(0x04, Width::dword);
  if (location_now != location || (control_now & kTableSizeMask) + 1 != entries) {
    throw std::runtime_error(
        "msix: the device's vector table differs from the saved one (table location 0x" +
        hex32(location_now) + " now, 0x" + hex32(location) + " saved; " +
        std::to_string((control_now & kTableSizeMask) + 1) + " entries now, " +
        std::to_string(entries) + " saved); refusing to write the table");
  }
  const auto bir = static_cast<std::uint8_t>(location & kBirMask);
  const std::uint64_t table = location & ~kBirMask;
  bool table_differs = false;
  for (std::uint32_t i = 0; i < entries * 4 && !table_differs; ++i) {
    table_differs = seq.read_bar(bir, table + 4 * i) != get_le(ctx.extra, kHeaderBytes + 4 * i, 4);
  }
  if (!table_differs) {
    seq.fields(false);  // the table is intact: no masking sequence needed
    return;
  }
  // Function Mask first, so no vector fires while its address and data are half written.
  seq.write({.name = "message_control (mask all)",
             .offset = 0x02,
             .width = Width::word,
             .value = control_now | kEnable | kMaskAll,
             .verify = 0,
             .always = true});
  for (std::uint32_t i = 0; i < entries; ++i) {
    for (std::size_t w = 0; w < kEntryWords.size(); ++w) {
      const std::size_t at = kHeaderBytes + i * kEntryBytes + 4 * w;
      seq.write({.name = entry_name(i, w),
                 .target = Target::bar,
                 .bar = bir,
                 .offset = table + i * kEntryBytes + 4 * w,
                 .value = get_le(ctx.extra, at, 4),
                 .verify = w == 3 ? kVectorMaskBit : 0xffffffffU});
    }
  }
  seq.fields(true);  // Message Control back to its saved Enable and Function Mask
}

}  // namespace capstate::msix
