// Reading and writing ABI baseline directories.
#include "abi/abi_baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <string>

#include "engine/layout_text.hpp"
#include "util/atomic_file.hpp"
#include "util/file_read.hpp"

namespace capstate::core {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxBaselineFile = 1U << 20;
constexpr std::string_view kFix =
    "regenerate it with 'capstate abi dump -o <baseline dir>' from the build that released it";

[[noreturn]] void fail(const fs::path& file, std::size_t line, const std::string& what) {
  throw AbiBaselineError(fmt::format("{}:{}: {}; {}", file.string(), line, what, kFix));
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      break;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::optional<std::uint16_t> parse_u16(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > 0xffff) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

// The entries of `dir`; a FileError (not std::filesystem_error) when it cannot be listed.
std::vector<fs::directory_entry> list_directory(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) {
    throw FileError(dir,
                    fmt::format("cannot list the directory {}: {}; check that it exists and is "
                                "readable",
                                dir.string(), ec.message()),
                    ec.value());
  }
  return entries;
}

std::string read_text(const fs::path& file) {
  try {
    return read_text_file_bounded(file, kMaxBaselineFile);
  } catch (const FileError& e) {
    throw AbiBaselineError(e.what());
  }
}

// "key value" on line `n` of `file`; returns the value.
std::string expect_key(const std::vector<std::string>& lines, std::size_t n, std::string_view key,
                       const fs::path& file) {
  const std::string prefix = std::string(key) + " ";
  if (n >= lines.size() || lines[n].rfind(prefix, 0) != 0) {
    fail(file, n + 1,
         fmt::format("expected '{} <value>', found '{}'", key, n < lines.size() ? lines[n] : ""));
  }
  return lines[n].substr(prefix.size());
}

std::uint16_t expect_number(const std::vector<std::string>& lines, std::size_t n,
                            std::string_view key, const fs::path& file) {
  const std::string value = expect_key(lines, n, key, file);
  const auto number = parse_u16(value);
  if (!number) {
    fail(file, n + 1, fmt::format("'{}' is not a schema version (0-65535)", value));
  }
  return *number;
}

PluginAbi read_plugin_file(const fs::path& file, const std::string& dir_name) {
  const std::string text = read_text(file);
  const std::vector<std::string> lines = split_lines(text);
  if (lines.empty() || lines[0] != kAbiPluginTag) {
    fail(file, 1, fmt::format("expected '{}'", kAbiPluginTag));
  }
  PluginAbi abi;
  abi.name = expect_key(lines, 1, "name", file);
  if (abi.name != dir_name) {
    fail(file, 2, fmt::format("plugin '{}' in the directory of '{}'", abi.name, dir_name));
  }
  abi.oldest = expect_number(lines, 2, "oldest_schema", file);
  abi.current = expect_number(lines, 3, "current_schema", file);
  if (abi.oldest > abi.current) {
    fail(file, 4,
         fmt::format("current_schema {} is below oldest_schema {}", abi.current, abi.oldest));
  }
  if (lines.size() > 4) {
    fail(file, 5, fmt::format("unexpected line '{}'", lines[4]));
  }
  return abi;
}

// Reads schema-<N>.txt: checks its header against `plugin`/`schema` and its fingerprint line.
std::string read_schema_file(const fs::path& file, const std::string& plugin,
                             std::uint16_t schema) {
  const std::string text = read_text(file);
  if (text.back() != '\n') {
    fail(file, split_lines(text).size(), "the last line has no newline");
  }
  const std::vector<std::string> lines = split_lines(text);
  if (lines[0] != kLayoutTextTag) {
    fail(file, 1, fmt::format("expected '{}', found '{}'", kLayoutTextTag, lines[0]));
  }
  if (expect_key(lines, 1, "plugin", file) != plugin) {
    fail(file, 2, fmt::format("expected 'plugin {}', found '{}'", plugin, lines[1]));
  }
  if (expect_number(lines, 2, "schema", file) != schema) {
    fail(file, 3,
         fmt::format("expected 'schema {}' (the file name), found '{}'", schema, lines[2]));
  }
  const std::size_t last = lines.size() - 1;
  const std::string fp_text = expect_key(lines, last, "fingerprint", file);
  if (last < 1 || lines[last - 1] != "end") {
    fail(file, last, "expected 'end' before the fingerprint line");
  }
  const std::string canonical = text.substr(0, text.size() - lines[last].size() - 1);
  const std::string expected = fmt::format("0x{:016x}", text_fingerprint(canonical));
  if (fp_text != expected) {
    fail(file, last + 1,
         fmt::format("fingerprint {} does not match the text above it ({}); the file was edited "
                     "by hand",
                     fp_text, expected));
  }
  return canonical;
}

// N from "schema-<N>.txt", or nullopt for another name.
std::optional<std::uint16_t> schema_of(const std::string& name) {
  constexpr std::string_view prefix = "schema-";
  constexpr std::string_view suffix = ".txt";
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  return parse_u16(
      std::string_view(name).substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
}

}  // namespace

AbiNotes parse_abi_notes(std::string_view text, const fs::path& file) {
  AbiNotes notes;
  const std::vector<std::string> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const std::size_t colon = line.find(':');
    const auto version = colon == std::string::npos || line.rfind("oldest ", 0) != 0
                             ? std::nullopt
                             : parse_u16(std::string_view(line).substr(7, colon - 7));
    const std::size_t reason = line.find_first_not_of(' ', colon + 1);
    if (!version || reason == std::string::npos) {
      throw AbiBaselineError(
          fmt::format("{}:{}: expected 'oldest <N>: <reason>' (or a '#' comment), found '{}'",
                      file.string(), i + 1, line));
    }
    notes.oldest[*version] = line.substr(reason);
  }
  return notes;
}

BaselinePlugin read_abi_baseline_plugin(const fs::path& dir) {
  const std::string name = dir.filename().string();
  BaselinePlugin out;
  out.abi = read_plugin_file(dir / "plugin.txt", name);
  std::set<std::uint16_t> seen;
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : list_directory(dir)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string base = file.filename().string();
    if (base == "plugin.txt") {
      continue;
    }
    if (base == "NOTES") {
      out.notes = parse_abi_notes(read_text(file), file);
      continue;
    }
    const auto schema = schema_of(base);
    if (!schema) {
      throw AbiBaselineError(fmt::format(
          "{}: unexpected file in a baseline plugin directory (only plugin.txt, NOTES and "
          "schema-<N>.txt belong there); remove or rename it",
          file.string()));
    }
    if (*schema < out.abi.oldest || *schema > out.abi.current) {
      throw AbiBaselineError(fmt::format(
          "{}: schema {} is outside the window {}..{} that {} declares; {}", file.string(), *schema,
          out.abi.oldest, out.abi.current, (dir / "plugin.txt").string(), kFix));
    }
    out.abi.schema_texts[*schema] = read_schema_file(file, name, *schema);
  }
  for (unsigned v = out.abi.oldest; v <= out.abi.current; ++v) {
    if (out.abi.schema_texts.count(static_cast<std::uint16_t>(v)) == 0) {
      throw AbiBaselineError(fmt::format("{}: missing, but {} declares schemas {}..{}; {}",
                                         (dir / fmt::format("schema-{}.txt", v)).string(),
                                         (dir / "plugin.txt").string(), out.abi.oldest,
                                         out.abi.current, kFix));
    }
  }
  return out;
}

std::vector<BaselinePlugin> read_abi_baseline(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw AbiBaselineError(
        fmt::format("baseline directory '{}' does not exist or is not a directory; make one with "
                    "'capstate abi dump -o {}'",
                    dir.string(), dir.string()));
  }
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& entry : list_directory(dir)) {
    std::error_code ec;
    if (entry.is_directory(ec)) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<BaselinePlugin> out;
  for (const fs::path& sub : dirs) {
    out.push_back(read_abi_baseline_plugin(sub));
  }
  return out;
}

std::vector<fs::path> write_abi_dump(const std::vector<PluginAbi>& abis, const fs::path& dir) {
  std::vector<fs::path> written;
  for (const PluginAbi& abi : abis) {
    const fs::path sub = dir / abi.name;
    std::error_code ec;
    fs::create_directories(sub, ec);
    if (ec) {
      throw FileError(sub,
                      fmt::format("cannot create directory {}: {}", sub.string(), ec.message()),
                      ec.value());
    }
    for (const auto& [schema, text] : abi.schema_texts) {
      const fs::path file = sub / fmt::format("schema-{}.txt", schema);
      write_file_atomically(file, schema_file_text(text));
      written.push_back(file);
    }
    const fs::path plugin_file = sub / "plugin.txt";
    write_file_atomically(plugin_file, plugin_file_text(abi));
    written.push_back(plugin_file);
    // Schema files of versions the plugin no longer reads are stale: remove them.
    for (const fs::directory_entry& entry : list_directory(sub)) {
      const auto schema = schema_of(entry.path().filename().string());
      if (schema && abi.schema_texts.count(*schema) == 0) {
        fs::remove(entry.path(), ec);
        if (ec) {
          throw FileError(
              entry.path(),
              fmt::format("cannot remove stale {}: {}", entry.path().string(), ec.message()),
              ec.value());
        }
      }
    }
  }
  return written;
}

}  // namespace capstate::core
