// Comparing plugins' layout descriptions with a committed baseline (`capstate abi check`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "abi/abi_baseline.hpp"
#include "abi/plugin_abi.hpp"

namespace capstate::core {

/// Problems between one plugin's baseline and the plugin as built, one line each; empty when it
/// passes. `current` is null when the plugin was not loaded; `searched` (the plugin directories
/// searched) is then named in the message. Reported: a baselined schema whose text changed (with
/// the first differing field line, baseline and build text), a baselined schema the plugin no
/// longer reads (allowed below a raised oldest version that `notes` explains), a raised oldest
/// version without a note (also an oldest above 1 already in the baseline but not in `notes`),
/// and a schema the plugin reads that has no baseline file.
std::vector<std::string> compare_abi(const PluginAbi& baseline, const PluginAbi* current,
                                     const AbiNotes& notes, std::string_view searched = {});

/// One plugin that matches its baseline.
struct AbiPluginPass {
  std::string name;           ///< plugin name
  std::uint16_t oldest = 0;   ///< oldest schema the plugin reads
  std::uint16_t current = 0;  ///< schema it writes
};

/// Outcome of checking every plugin against a whole baseline.
struct AbiCheckResult {
  std::vector<std::string> problems;  ///< every problem of every plugin; empty when it passes
  std::vector<std::string> summary;   ///< one line per plugin that passed
  std::vector<AbiPluginPass> passed;  ///< the plugins of `summary`, in the same order
};

/// Compares every baselined plugin with `current` (plugins missing there are problems) and
/// reports loaded plugins that have no baseline at all.
AbiCheckResult check_abi(const std::vector<BaselinePlugin>& baseline,
                         const std::vector<PluginAbi>& current, std::string_view searched = {});

}  // namespace capstate::core
