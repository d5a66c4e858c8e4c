// Reading the TOML form of a state file back (capstate assemble).
#include <fmt/format.h>

#include <toml++/toml.h>
#include <charconv>
#include <optional>
#include <set>
#include <string_view>

#include "statetext/state_text_error.hpp"
#include "statetext/state_toml.hpp"
#include "statetext/text_names.hpp"

namespace capstate::core {
namespace {

// A table whose keys are taken one by one; keys left over at the end are errors.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string source, std::string path)
      : table_(table), source_(std::move(source)), path_(std::move(path)) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& what) const {
    const toml::source_region& at = node != nullptr ? node->source() : table_.source();
    TextLocation where{source_, at.begin.line, at.begin.column, {}, 0, {}};
    throw StateTextError(std::move(where), fmt::format("{}:{}:{}: {}: {}", source_, at.begin.line,
                                                       at.begin.column, path_, what));
  }

  const toml::node* take(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr && required) {
      fail(nullptr, fmt::format("missing key '{}'", key));
    }
    taken_.insert(std::string(key));
    return node;
  }

  std::uint64_t integer(std::string_view key, std::uint64_t max) {
    const toml::node* node = take(key, true);
    const auto* v = node->as_integer();
    if (v == nullptr || v->get() < 0 || static_cast<std::uint64_t>(v->get()) > max) {
      fail(node, fmt::format("'{}' must be an integer from 0 to {:#x}", key, max));
    }
    return static_cast<std::uint64_t>(v->get());
  }

  std::string string(std::string_view key, bool required = true) {
    const toml::node* node = take(key, required);
    if (node == nullptr) {
      return {};
    }
    const auto* v = node->as_string();
    if (v == nullptr) {
      fail(node, fmt::format("'{}' must be a string", key));
    }
    return v->get();
  }

  const toml::table* table(std::string_view key) {
    const toml::node* node = take(key, false);
    if (node != nullptr && node->as_table() == nullptr) {
      fail(node, fmt::format("'{}' must be a table", key));
    }
    return node != nullptr ? node->as_table() : nullptr;
  }

  const toml::array* array(std::string_view key) {
    const toml::node* node = take(key, false);
    if (node != nullptr && node->as_array() == nullptr) {
      fail(node, fmt::format("'{}' must be an array of tables", key));
    }
    return node != nullptr ? node->as_array() : nullptr;
  }

  void finish() const {
    for (const auto& [key, node] : table_) {
      if (taken_.count(std::string(key.str())) == 0) {
        fail(&node, fmt::format("unknown key '{}'", key.str()));
      }
    }
  }

  const std::string& source() const { return source_; }
  const std::string& path() const { return path_; }

 private:
  const toml::table& table_;
  std::string source_;
  std::string path_;
  std::set<std::string> taken_;
};

// The target kind printed as `name` (to_string's inverse), or nullopt.
std::optional<CapKind> kind_named(std::string_view name) {
  for (const CapKind k : {CapKind::standard, CapKind::extended, CapKind::header, CapKind::region}) {
    if (to_string(k) == name) {
      return k;
    }
  }
  return std::nullopt;
}

const toml::table& table_at(const TableReader& parent, const toml::node& node,
                            const std::string& path) {
  if (node.as_table() == nullptr) {
    parent.fail(&node, path + " must be a table");
  }
  return *node.as_table();
}

// Named integers in layout order (TOML tables are sorted; order does not matter to encoding).
template <typename Out>
void read_values(TableReader& parent, const toml::table* values, const std::string& path,
                 Out&& add) {
  if (values == nullptr) {
    return;
  }
  for (const auto& [key, node] : *values) {
    const auto* v = node.as_integer();
    if (v == nullptr || v->get() < 0) {
      parent.fail(&node, fmt::format("{}.{} must be a non-negative integer", path, key.str()));
    }
    add(std::string(key.str()), static_cast<std::uint64_t>(v->get()), node);
  }
}

RecordView read_record(const toml::table& t, const std::string& source, const std::string& path) {
  TableReader r(t, source, path);
  RecordView view;
  view.origin = TextLocation{source, t.source().begin.line, t.source().begin.column, {}, 0, {}};
  Record& rec = view.record;
  const std::string kind = r.string("kind");
  const std::optional<CapKind> parsed_kind = kind_named(kind);
  if (!parsed_kind) {
    r.fail(t.get("kind"), "'kind' must be \"standard\", \"extended\", \"header\" or \"region\"");
  }
  rec.capability.kind = *parsed_kind;
  rec.capability.id = static_cast<std::uint16_t>(r.integer("id", 0xffff));
  rec.capability.offset = static_cast<std::uint16_t>(r.integer("offset", 0xfff));
  rec.capability.version = static_cast<std::uint8_t>(r.integer("capability_version", 0xf));
  rec.plugin = r.string("plugin");
  rec.claim = r.string("claim", false);  // absent: no claim (always so in envelope version 1)
  rec.schema_version = static_cast<std::uint16_t>(r.integer("schema_version", 0xffff));
  const std::string fp = r.string("fingerprint");
  const std::string_view digits =
      std::string_view(fp).substr(fp.rfind("0x", 0) == 0 || fp.rfind("0X", 0) == 0 ? 2 : 0);
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), rec.fingerprint, 16);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    r.fail(t.get("fingerprint"), "'fingerprint' must be a hex string like \"0x0123456789abcdef\"");
  }
  r.string("decode_error", false);  // informational only
  const std::string payload = r.string("payload", false);
  const toml::table* fields = r.table("fields");
  const toml::table* extra = r.table("extra");
  if (t.get("payload") != nullptr) {
    if (fields != nullptr || extra != nullptr) {
      r.fail(t.get("payload"), "give either 'payload' or 'fields'/'extra', not both");
    }
    try {
      rec.payload = hex_to_bytes(payload);
    } catch (const std::exception& e) {
      r.fail(t.get("payload"), std::string("'payload': ") + e.what());
    }
  } else {
    view.decoded = true;
    read_values(r, fields, path + ".fields", [&](std::string name, std::uint64_t v, auto& node) {
      if (v > 0xffffffffULL) {
        r.fail(&node, fmt::format("{}.fields.{} does not fit in 32 bits", path, name));
      }
      view.fields.push_back({std::move(name), static_cast<std::uint32_t>(v), true, Width::dword});
    });
    read_values(r, extra, path + ".extra", [&](std::string name, std::uint64_t v, auto&) {
      view.extra.push_back({std::move(name), v, 64});
    });
  }
  r.finish();
  return view;
}

DeviceView read_device(const toml::table& t, const std::string& source, const std::string& path) {
  TableReader r(t, source, path);
  DeviceView d;
  const std::string address = r.string("address");
  const auto parsed = PciAddress::parse(address);
  if (!parsed) {
    r.fail(t.get("address"), fmt::format("'{}' is not an address like 0000:00:1f.0", address));
  }
  d.address = *parsed;
  d.identity.vendor_id = static_cast<std::uint16_t>(r.integer("vendor_id", 0xffff));
  d.identity.device_id = static_cast<std::uint16_t>(r.integer("device_id", 0xffff));
  d.identity.subsystem_vendor_id =
      static_cast<std::uint16_t>(r.integer("subsystem_vendor_id", 0xffff));
  d.identity.subsystem_id = static_cast<std::uint16_t>(r.integer("subsystem_id", 0xffff));
  d.identity.class_code = static_cast<std::uint32_t>(r.integer("class", 0xffffff));
  d.identity.revision = static_cast<std::uint8_t>(r.integer("revision", 0xff));
  d.identity.header_type = static_cast<std::uint8_t>(r.integer("header_type", 0xff));
  if (const toml::array* records = r.array("records")) {
    for (std::size_t i = 0; i < records->size(); ++i) {
      const std::string rpath = fmt::format("{}.records[{}]", path, i);
      d.records.push_back(read_record(table_at(r, *records->get(i), rpath), source, rpath));
    }
  }
  r.finish();
  return d;
}

}  // namespace

StateView state_from_toml(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    TextLocation where{
        std::string(source), e.source().begin.line, e.source().begin.column, {}, 0, {}};
    throw StateTextError(std::move(where),
                         fmt::format("{}:{}:{}: not valid TOML: {}", source, e.source().begin.line,
                                     e.source().begin.column, e.description()));
  }
  TableReader r(root, std::string(source), "(top level)");
  StateView view;
  const toml::table* env = r.table("envelope");
  if (env == nullptr) {
    r.fail(nullptr, "missing [envelope] table");
  }
  TableReader e(*env, std::string(source), "envelope");
  view.envelope.envelope_version =
      static_cast<std::uint16_t>(e.integer("envelope_version", 0xffff));
  view.envelope.producer_name = e.string("producer");
  view.envelope.producer_version = e.string("producer_version");
  view.envelope.created_unix = static_cast<std::int64_t>(e.integer("created_unix", INT64_MAX));
  view.envelope.kernel_release = e.string("kernel_release");
  e.finish();
  if (const toml::array* devices = r.array("devices")) {
    for (std::size_t i = 0; i < devices->size(); ++i) {
      const std::string path = fmt::format("devices[{}]", i);
      view.devices.push_back(
          read_device(table_at(r, *devices->get(i), path), std::string(source), path));
    }
  }
  r.finish();
  return view;
}

}  // namespace capstate::core
