// The rules of `capstate abi check`.
#include "abi/abi_compare.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace capstate::core {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool is_field_line(std::string_view line) {
  return line.rfind("field ", 0) == 0;
}

// "field <name> ..." -> "<name>".
std::string_view field_name(std::string_view line) {
  const std::string_view rest = line.substr(6);
  return rest.substr(0, rest.find(' '));
}

std::string quoted(const std::vector<std::string_view>& lines, std::size_t i) {
  return i < lines.size() ? fmt::format("'{}'", lines[i]) : std::string("(no such line)");
}

// Names where two texts of the same schema first differ: the first differing field line when
// the field lines differ, otherwise the first differing line.
std::string describe_change(std::string_view before, std::string_view after) {
  const auto a = lines_of(before);
  const auto b = lines_of(after);
  std::vector<std::string_view> fa;
  std::vector<std::string_view> fb;
  std::copy_if(a.begin(), a.end(), std::back_inserter(fa), is_field_line);
  std::copy_if(b.begin(), b.end(), std::back_inserter(fb), is_field_line);
  for (std::size_t i = 0; i < std::max(fa.size(), fb.size()); ++i) {
    if (i >= fa.size() || i >= fb.size() || fa[i] != fb[i]) {
      const std::string_view was = i < fa.size() ? field_name(fa[i]) : std::string_view{};
      const std::string_view now = i < fb.size() ? field_name(fb[i]) : std::string_view{};
      const std::string names = was.empty() || now.empty() || was == now
                                    ? fmt::format("field '{}'", was.empty() ? now : was)
                                    : fmt::format("field '{}' (build: '{}')", was, now);
      return fmt::format("{} (field line {}): baseline {}, build {}", names, i + 1, quoted(fa, i),
                         quoted(fb, i));
    }
  }
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i >= a.size() || i >= b.size() || a[i] != b[i]) {
      return fmt::format("line {}: baseline {}, build {}", i + 1, quoted(a, i), quoted(b, i));
    }
  }
  return "no difference";
}

}  // namespace

std::vector<std::string> compare_abi(const PluginAbi& baseline, const PluginAbi* current,
                                     const AbiNotes& notes, std::string_view searched) {
  const std::string& name = baseline.name;
  if (current == nullptr) {
    return {
        fmt::format("plugin '{}': in the baseline but not loaded (searched: {}); build it, "
                    "pass its directory with --plugin-dir, or remove its baseline only if "
                    "the plugin was retired on purpose",
                    name, searched.empty() ? "the default plugin search path" : searched)};
  }
  std::vector<std::string> problems;
  const bool noted = notes.oldest.count(current->oldest) != 0;
  const bool raised = current->oldest > baseline.oldest;
  const bool explained = raised && noted;
  if (raised && !noted) {
    problems.push_back(fmt::format(
        "plugin '{}': oldest readable schema raised from {} to {} without a note; files written "
        "with schema {}..{} could no longer be read. If that is intended, add the line 'oldest "
        "{}: <reason>' to the baseline's {}/NOTES",
        name, baseline.oldest, current->oldest, baseline.oldest, current->oldest - 1,
        current->oldest, name));
  } else if (current->oldest > 1 && !noted) {
    // A raise already folded into the baseline by a later dump must still be explained.
    problems.push_back(fmt::format(
        "plugin '{}': oldest readable schema is {}, above 1, but the baseline's {}/NOTES has no "
        "line 'oldest {}: <reason>' saying why older files are no longer read",
        name, current->oldest, name, current->oldest));
  }
  for (const auto& [schema, text] : baseline.schema_texts) {
    const auto found = current->schema_texts.find(schema);
    if (found == current->schema_texts.end()) {
      if (explained && schema < current->oldest) {
        continue;
      }
      problems.push_back(fmt::format(
          "plugin '{}' schema {}: released (in the baseline) but the plugin no longer reads it "
          "(it reads {}..{}); restore the layout of schema {}",
          name, schema, current->oldest, current->current, schema));
    } else if (found->second != text &&
               found->second.find(fmt::format("earlier_fingerprint 0x{:016x}\n",
                                              text_fingerprint(text))) != std::string::npos) {
      problems.push_back(fmt::format(
          "plugin '{}' schema {}: re-expressed with the same bytes (its layout declares the "
          "baseline's fingerprint 0x{:016x} as earlier_fingerprint); commit the new baseline "
          "('capstate abi dump') together with a golden file of the old bytes that proves it",
          name, schema, text_fingerprint(text)));
    } else if (found->second != text) {
      problems.push_back(fmt::format(
          "plugin '{}' schema {}: released layout changed at {}; a released layout must never "
          "change: restore it and add schema {} with a migration step instead (never edit the "
          "baseline to make the check pass)",
          name, schema, describe_change(text, found->second),
          std::max(current->current, baseline.current) + 1));
    }
  }
  for (const auto& [schema, text] : current->schema_texts) {
    if (baseline.schema_texts.count(schema) == 0) {
      problems.push_back(fmt::format(
          "plugin '{}' schema {} has no baseline file {}/schema-{}.txt but the plugin reads it; "
          "a new schema version must be committed together with its baseline (run 'capstate abi "
          "dump -o <baseline dir>')",
          name, schema, name, schema));
    }
  }
  return problems;
}

AbiCheckResult check_abi(const std::vector<BaselinePlugin>& baseline,
                         const std::vector<PluginAbi>& current, std::string_view searched) {
  AbiCheckResult result;
  const auto find_current = [&current](const std::string& name) -> const PluginAbi* {
    for (const PluginAbi& abi : current) {
      if (abi.name == name) {
        return &abi;
      }
    }
    return nullptr;
  };
  for (const BaselinePlugin& base : baseline) {
    const PluginAbi* now = find_current(base.abi.name);
    std::vector<std::string> problems = compare_abi(base.abi, now, base.notes, searched);
    if (problems.empty()) {
      std::string line = fmt::format("{}: schemas {}..{} match the baseline", base.abi.name,
                                     now->oldest, now->current);
      if (now->oldest > base.abi.oldest) {
        line += fmt::format("; oldest raised from {} (NOTES: {})", base.abi.oldest,
                            base.notes.oldest.at(now->oldest));
      }
      result.summary.push_back(line);
      result.passed.push_back({base.abi.name, now->oldest, now->current});
    }
    result.problems.insert(result.problems.end(), problems.begin(), problems.end());
  }
  for (const PluginAbi& abi : current) {
    const bool known = std::any_of(baseline.begin(), baseline.end(),
                                   [&abi](const auto& b) { return b.abi.name == abi.name; });
    if (!known) {
      result.problems.push_back(fmt::format(
          "plugin '{}': loaded but has no baseline directory {}/; a new plugin must be committed "
          "together with its baseline (run 'capstate abi dump -o <baseline dir>')",
          abi.name, abi.name));
    }
  }
  return result;
}

}  // namespace capstate::core
