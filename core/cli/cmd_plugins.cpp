// capstate plugins: every plugin found on the search path, loaded or refused (with the reason).
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "registry/claim_match.hpp"

namespace capstate::cli {
namespace {

// "standard 0x10", "extended 0x000b [vendor 0x8086, ...]", "header", "region 0x40+0x40".
std::string claim_line(const Claim& claim) {
  std::string text;
  switch (claim.kind) {
    case CapKind::standard:
      text = fmt::format("standard 0x{:02x}", claim.id);
      break;
    case CapKind::extended:
      text = fmt::format("extended 0x{:04x}", claim.id);
      break;
    case CapKind::header:
      text = "header";
      break;
    case CapKind::region:
      text = fmt::format("region 0x{:03x}+0x{:x}", claim.region_offset, claim.region_size);
      break;
  }
  const std::string narrowed = core::claim_text(claim);
  return narrowed.empty() ? text : text + " [" + narrowed + "]";
}

nlohmann::json entry_json(const core::PluginEntry& e) {
  nlohmann::json caps = nlohmann::json::array();
  for (const Claim& claim : e.claims) {
    nlohmann::json c{{"kind", std::string(to_string(claim.kind))},
                     {"id", claim.id},
                     {"match", core::claim_text(claim)},
                     {"specificity", core::claim_specificity(claim)}};
    if (claim.kind == CapKind::region) {
      c["region_offset"] = claim.region_offset;
      c["region_size"] = claim.region_size;
    }
    caps.push_back(std::move(c));
  }
  nlohmann::json options = nlohmann::json::array();
  for (const OptionSpec& o : e.options) {
    options.push_back(
        {{"name", o.name}, {"values", o.values}, {"default", o.default_value}, {"doc", o.doc}});
  }
  return {{"file", e.file.string()},
          {"name", e.name},
          {"version", e.version},
          {"summary", e.summary},
          {"status", std::string(core::to_string(e.status))},
          {"reason", e.reason},
          {"capabilities", caps},
          {"current_schema", e.current_schema},
          {"oldest_schema", e.oldest_schema},
          {"restore_phase", e.restore_phase},
          {"needs_bar_access", e.needs_bar_access},
          {"options", options}};
}

std::string entry_text(const core::PluginEntry& e) {
  std::string caps;
  for (const Claim& claim : e.claims) {
    caps += (caps.empty() ? "" : ", ") + claim_line(claim);
  }
  std::string text = fmt::format("{:<10} {:<8} {:<8}", e.name.empty() ? "?" : e.name,
                                 e.version.empty() ? "-" : e.version, core::to_string(e.status));
  if (e.status == core::PluginStatus::loaded) {
    text += fmt::format(" {}; schema {}..{}; phase {}{}", caps, e.oldest_schema, e.current_schema,
                        e.restore_phase, e.needs_bar_access ? "; needs BAR access" : "");
  }
  text += fmt::format("\n           file: {}\n", e.file.string());
  for (const OptionSpec& o : e.options) {
    text += fmt::format("           option: plugin_options.{}.{} = {} (default {}): {}\n", e.name,
                        o.name, o.values, o.default_value, o.doc);
  }
  if (!e.reason.empty()) {
    text += fmt::format("           reason: {}\n", e.reason);
  }
  return text;
}

}  // namespace

Verb add_plugins_verb(CLI::App& app, GlobalOptions& globals) {
  auto* cmd = app.add_subcommand(
      "plugins",
      "List plugins found on the search path and their status; exit 1 if any is refused");
  return {cmd, [&globals](const core::Policy& policy) {
            const core::Registry registry = load_registry(globals, policy);
            std::size_t refused = 0;
            for (const core::PluginEntry& e : registry.entries()) {
              refused += e.status == core::PluginStatus::refused ? 1 : 0;
            }
            if (globals.json) {
              nlohmann::json out = nlohmann::json::array();
              for (const core::PluginEntry& e : registry.entries()) {
                out.push_back(entry_json(e));
              }
              print_out(out.dump(2));
            } else {
              std::string text;
              for (const core::PluginEntry& e : registry.entries()) {
                text += entry_text(e);
              }
              print_out(text.empty() ? "no plugins found on the search path" : text);
            }
            if (refused == 0) {
              return kExitOk;
            }
            // Shadowed and disabled plugins are choices, not failures; a refused one is broken,
            // untrusted or lost a contested capability. The whole list is printed first.
            std::fflush(stdout);
            std::fprintf(stderr, "capstate plugins: %zu plugin%s refused (see 'reason' above)\n",
                         refused, refused == 1 ? "" : "s");
            return kExitFailure;
          }};
}

}  // namespace capstate::cli
