// Reads the capability data files (one string per capability ID) and finds them at run time.
#include "discovery/capability_data.hpp"

#include <system_error>

#include <toml++/toml.h>

#include "util/hex.hpp"

static_assert(TOML_EXCEPTIONS, "capability_data.cpp expects toml++ built with exceptions");

#ifndef CAPSTATE_INSTALL_DATADIR
#error "CAPSTATE_INSTALL_DATADIR must be defined by core/CMakeLists.txt"
#endif

namespace capstate::core {
namespace {

namespace fs = std::filesystem;

using Key = std::pair<CapKind, std::uint16_t>;

// "<file>:<line>:<column>: <problem>"
[[noreturn]] void fail(const fs::path& file, const toml::source_region& where,
                       const std::string& problem) {
  throw CapabilityDataError(file.string() + ":" + std::to_string(where.begin.line) + ":" +
                            std::to_string(where.begin.column) + ": " + problem);
}

// Parses "0x1e" style keys; nullopt if the text is not 0x followed by 1-4 hex digits.
std::optional<std::uint16_t> parse_hex_id(std::string_view text) {
  if (text.size() < 3 || text.size() > 6 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return std::nullopt;
  }
  const auto value = parse_hex_digits(text.substr(2), 4);
  if (!value) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(*value);
}

// Whether `a` starts before `b` in the file.
bool before(const toml::source_region& a, const toml::source_region& b) {
  return a.begin.line != b.begin.line ? a.begin.line < b.begin.line
                                      : a.begin.column < b.begin.column;
}

std::optional<fs::path> existing(const fs::path& dir, std::string_view file_name) {
  std::error_code ec;
  fs::path file = dir / file_name;
  if (fs::is_regular_file(file, ec)) {
    return file;
  }
  return std::nullopt;
}

}  // namespace

CapabilityStrings load_capability_strings(const fs::path& file, std::string_view file_kind,
                                          std::string_view value_noun) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw CapabilityDataError(file.string() + ": " + std::string(file_kind) +
                              " file not found or not a regular file; "
                              "check the path or set CAPSTATE_DATA_DIR");
  }
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    fail(file, e.source(), "TOML syntax error: " + std::string(e.description()));
  }

  CapabilityStrings result;
  std::map<Key, const toml::key*> first_key;
  for (auto&& [table_key, table_node] : root) {
    CapKind kind = CapKind::standard;
    if (table_key.str() == "standard") {
      kind = CapKind::standard;
    } else if (table_key.str() == "extended") {
      kind = CapKind::extended;
    } else {
      fail(file, table_key.source(),
           "unexpected key '" + std::string(table_key.str()) +
               "'; only the tables [standard] and [extended] are allowed");
    }
    const toml::table* table = table_node.as_table();
    if (table == nullptr) {
      fail(file, table_node.source(),
           "'" + std::string(table_key.str()) + "' must be a table of ID = \"" +
               std::string(value_noun) + "\" entries");
    }
    const unsigned max_id = kind == CapKind::standard ? 0xffU : 0xffffU;
    for (auto&& [id_key, value_node] : *table) {
      const auto id = parse_hex_id(id_key.str());
      if (!id || *id > max_id) {
        fail(file, id_key.source(),
             "key '" + std::string(id_key.str()) + "' in [" + std::string(to_string(kind)) +
                 "] is not a hex capability ID (expected \"0x00\".." +
                 (kind == CapKind::standard ? "\"0xff\")" : "\"0xffff\")"));
      }
      const auto* value = value_node.as_string();
      if (value == nullptr || value->get().empty()) {
        fail(file, value_node.source(),
             "the " + std::string(value_noun) + " of " + std::string(to_string(kind)) +
                 " capability '" + std::string(id_key.str()) + "' must be a non-empty string");
      }
      const auto [it, added] = first_key.emplace(Key{kind, *id}, &id_key);
      if (!added) {
        // Keys iterate in sorted order, not file order: report the one written later.
        const toml::key* earlier = it->second;
        const toml::key* later = &id_key;
        if (before(later->source(), earlier->source())) {
          std::swap(earlier, later);
        }
        fail(file, later->source(),
             "key '" + std::string(later->str()) + "' names the same " +
                 std::string(to_string(kind)) + " capability as '" + std::string(earlier->str()) +
                 "' on line " + std::to_string(earlier->source().begin.line) +
                 "; keep one of them");
      }
      result.emplace(Key{kind, *id}, value->get());
    }
  }
  return result;
}

std::optional<fs::path> find_capability_data_file(const std::optional<std::string>& env_data_dir,
                                                  std::string_view file_name) {
  if (env_data_dir && !env_data_dir->empty()) {
    if (auto file = existing(*env_data_dir, file_name)) {
      return file;
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    if (auto file = existing(exe.parent_path() / ".." / "share" / "capstate", file_name)) {
      return file->lexically_normal();
    }
  }
  return existing(CAPSTATE_INSTALL_DATADIR, file_name);
}

}  // namespace capstate::core
