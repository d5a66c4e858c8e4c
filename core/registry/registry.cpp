// Registry::load / from_plugins: search, per-name rules (disabled, shadowed) and claim rules.
#include "registry/registry.hpp"

#include <algorithm>
#include <system_error>

#include "registry/claim_match.hpp"
#include "registry/plugin_loader.hpp"
#include "registry/trust.hpp"

namespace fs = std::filesystem;

namespace capstate::core {
namespace {

// Policy winners by capability type, parsed from RegistryOptions::winners.
using Winners = std::vector<std::pair<CapabilityId, std::string>>;

Winners parse_winners(const std::map<std::string, std::string>& winners) {
  Winners out;
  for (const auto& [key, name] : winners) {
    auto cap = parse_capability_key(key);
    if (!cap) {
      throw RegistryError("plugin winners: key '" + key +
                          "' is not a capability key; write \"standard:0x10\" or "
                          "\"extended:0x0018\"");
    }
    out.emplace_back(*cap, name);
  }
  return out;
}

std::string label_of(const PluginEntry& e) {
  return e.file.empty() ? "(in memory)" : e.file.string();
}

// Whether entry `e` holds a claim that conflicts with `claim`: equally specific and able to meet
// on one target. Narrower and broader claims never conflict: the narrower one wins per device.
bool conflicts(const PluginEntry& e, const Claim& claim) {
  return std::any_of(e.claims.begin(), e.claims.end(), [&](const Claim& c) {
    return claim_specificity(c) == claim_specificity(claim) && claims_may_overlap(c, claim);
  });
}

// Applies the name rules to the just-described entries_.back(), whose directory is `group`.
void apply_name_rules(std::vector<PluginEntry>& entries, const std::vector<std::size_t>& groups,
                      const RegistryOptions& options) {
  PluginEntry& e = entries.back();
  if (e.status != PluginStatus::loaded) {
    return;
  }
  const auto& off = options.disabled;
  if (std::find(off.begin(), off.end(), e.name) != off.end()) {
    e.status = PluginStatus::disabled;
    e.reason = "plugin '" + e.name + "' is disabled by policy";
    e.plugin.reset();
    e.layouts.clear();
    e.claims.clear();
    e.options.clear();
    return;
  }
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
    const PluginEntry& earlier = entries[i];
    if (earlier.status != PluginStatus::loaded || earlier.name != e.name) {
      continue;
    }
    if (groups[i] == groups.back()) {
      e.status = PluginStatus::refused;
      e.reason = "plugin name '" + e.name + "' is already used by " + label_of(earlier) +
                 " in the same directory — remove one of them";
    } else {
      e.status = PluginStatus::shadowed;
      e.reason = "plugin '" + e.name + "' is already loaded from " + label_of(earlier) +
                 ", earlier on the search path";
    }
    e.plugin.reset();
    e.layouts.clear();
    e.claims.clear();
    e.options.clear();
    return;
  }
}

// Refuses the losers of the first contested capability; returns whether anything changed.
bool settle_one_claim(std::vector<PluginEntry>& entries, const Winners& winners) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].status != PluginStatus::loaded) {
      continue;
    }
    for (const Claim& claim : entries[i].claims) {
      const CapabilityId cap = claim_type(claim);
      std::vector<std::size_t> rivals;
      for (std::size_t j = 0; j < entries.size(); ++j) {
        if (entries[j].status == PluginStatus::loaded && conflicts(entries[j], claim)) {
          rivals.push_back(j);
        }
      }
      if (rivals.size() < 2) {
        continue;
      }
      const std::string key = capability_key(cap);
      std::size_t winner = rivals.front();
      bool by_policy = false;
      for (const auto& [wcap, wname] : winners) {
        for (std::size_t r : rivals) {
          if (wcap == cap && entries[r].name == wname) {
            winner = r;
            by_policy = true;
          }
        }
      }
      // The texts first: `claim` lives in a rival's entry, whose claims are cleared below.
      const std::string narrowed = claim_text(claim);
      const std::string what =
          (cap.kind == CapKind::header || cap.kind == CapKind::region ? "target " : "capability ") +
          key + (narrowed.empty() ? "" : " (" + narrowed + ")");
      // The policy key as written in a policy file: the [plugin_winner] table.
      const std::string table_key = "[plugin_winner] \"" + key + "\"";
      for (std::size_t r : rivals) {
        if (r == winner) {
          continue;
        }
        PluginEntry& loser = entries[r];
        loser.status = PluginStatus::refused;
        const std::string who =
            "plugin '" + entries[winner].name + "' (" + label_of(entries[winner]) + ")";
        if (by_policy) {
          loser.reason = what + " is given to " + who + " by policy " + table_key;
        } else {
          loser.reason = what + " is already claimed by " + who +
                         " — choose one in policy: " + table_key + " = \"" + loser.name +
                         "\" (this plugin) or \"" + entries[winner].name + "\"";
        }
      }
      for (std::size_t r : rivals) {
        if (r != winner) {
          entries[r].claims.clear();
          entries[r].options.clear();
          entries[r].layouts.clear();
          entries[r].plugin.reset();
        }
      }
      return true;
    }
  }
  return false;
}

void settle_claims(std::vector<PluginEntry>& entries, const Winners& winners) {
  while (settle_one_claim(entries, winners)) {
  }
}

bool has_suffix_so(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 3 && name.ends_with(".so");
}

}  // namespace

std::string_view to_string(PluginStatus s) {
  switch (s) {
    case PluginStatus::loaded:
      return "loaded";
    case PluginStatus::refused:
      return "refused";
    case PluginStatus::shadowed:
      return "shadowed";
    case PluginStatus::disabled:
      return "disabled";
  }
  return "unknown";
}

Registry Registry::load(const RegistryOptions& options) {
  const Winners winners = parse_winners(options.winners);
  Registry reg;
  std::vector<std::size_t> groups;
  auto refuse_dir = [&](const fs::path& dir, std::string reason, std::size_t group) {
    PluginEntry e;
    e.file = dir;
    e.reason = std::move(reason);
    reg.entries_.push_back(std::move(e));
    groups.push_back(group);
  };
  for (std::size_t g = 0; g < options.search_path.size(); ++g) {
    const fs::path& dir = options.search_path[g];
    std::error_code ec;
    const auto st = fs::status(dir, ec);
    if (st.type() == fs::file_type::not_found) {
      continue;
    }
    if (ec) {
      refuse_dir(dir, "cannot read plugin directory " + dir.string() + ": " + ec.message(), g);
      continue;
    }
    if (!fs::is_directory(st)) {
      refuse_dir(dir, "plugin directory " + dir.string() + " is not a directory", g);
      continue;
    }
    std::vector<fs::path> files;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (has_suffix_so(it->path()) && it->is_regular_file(type_ec)) {
        files.push_back(it->path());
      }
    }
    if (ec) {
      refuse_dir(dir, "cannot read plugin directory " + dir.string() + ": " + ec.message(), g);
      continue;
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    const std::string dir_problem = options.allow_untrusted ? "" : trust_problem(dir, true);
    for (const auto& file : files) {
      if (!dir_problem.empty()) {
        PluginEntry e;
        e.file = file;
        e.reason = dir_problem;
        reg.entries_.push_back(std::move(e));
      } else {
        reg.entries_.push_back(load_plugin_file(file, options.allow_untrusted));
      }
      groups.push_back(g);
      apply_name_rules(reg.entries_, groups, options);
    }
  }
  settle_claims(reg.entries_, winners);
  return reg;
}

Registry Registry::from_plugins(std::vector<std::shared_ptr<const Plugin>> plugins,
                                const RegistryOptions& options) {
  const Winners winners = parse_winners(options.winners);
  Registry reg;
  std::vector<std::size_t> groups;
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    PluginEntry e;
    if (!plugins[i]) {
      e.reason = "plugin #" + std::to_string(i) + " is a null pointer";
    } else if (describe_plugin(e, *plugins[i], "#" + std::to_string(i) + " (in memory)")) {
      e.plugin = std::move(plugins[i]);
    }
    reg.entries_.push_back(std::move(e));
    groups.push_back(i);
    apply_name_rules(reg.entries_, groups, options);
  }
  settle_claims(reg.entries_, winners);
  return reg;
}

std::optional<std::uint64_t> cached_fingerprint(const PluginEntry& entry, std::string_view plugin,
                                                const Layout& layout) {
  return cached_fingerprint(prints_of(entry), plugin, layout);
}

const PluginEntry* Registry::handler(CapabilityId cap) const {
  const PluginEntry* best = nullptr;
  std::size_t best_specificity = 0;
  for (const auto& e : entries_) {
    if (e.status != PluginStatus::loaded) {
      continue;
    }
    for (const Claim& c : e.claims) {
      if (claim_type(c) == cap && (best == nullptr || claim_specificity(c) < best_specificity)) {
        best = &e;
        best_specificity = claim_specificity(c);
      }
    }
  }
  return best;
}

const PluginEntry* Registry::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.status == PluginStatus::loaded && e.name == name) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace capstate::core
