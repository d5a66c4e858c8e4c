// The checks every record passes before its payload is read: schema window and fingerprint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "capstate/sdk/plugin.hpp"
#include "engine/fingerprints.hpp"

namespace capstate::core {

/// The layout of `plugin` for `schema`, or null when the plugin declares none.
const Layout* find_layout(const Plugin& plugin, std::uint16_t schema);

/// What check_record_layout found: the layout to read the record with, or why it cannot be read.
struct RecordCheck {
  const Layout* layout = nullptr;  ///< the plugin's layout for the schema; null when refused
  std::string refusal;             ///< why the record is refused; empty when `layout` is set
};

/// The one place that decides whether `plugin` (whose info() is `info`) can read a record of
/// `schema` for `target`: the schema lies in the plugin's window and the plugin has a layout for
/// it; and, when `carried` is set, the record carries that layout's fingerprint (or its
/// earlier_fingerprint). A refusal names the plugin and its version, the window or both
/// fingerprints, the target, `producer` (e.g. "capstate 0.1.0"; left out when empty) and what the
/// user can do. `prints` (may be null) supplies fingerprints computed at load time. Callers throw
/// the refusal as their own error type; plugin code that throws becomes a PluginFailure.
RecordCheck check_record_layout(const Plugin& plugin, const PluginInfo& info,
                                const Capability& target, std::uint16_t schema,
                                std::optional<std::uint64_t> carried, std::string_view producer,
                                const PluginPrints* prints);

}  // namespace capstate::core
