// The layout description of one plugin as `capstate abi dump` writes it and `abi check` compares.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "registry/registry.hpp"

namespace capstate::core {

/// First line of a baseline's plugin.txt; bumped only if that file's format changes.
inline constexpr std::string_view kAbiPluginTag = "capstate-abi-plugin 1";

/// What the ABI check knows about one plugin: its schema window and the canonical text of every
/// schema version it reads (canonical_layout_text, without the fingerprint line).
struct PluginAbi {
  std::string name;                                   ///< plugin name
  std::uint16_t oldest = 0;                           ///< oldest schema version it reads
  std::uint16_t current = 0;                          ///< schema version it writes
  std::map<std::uint16_t, std::string> schema_texts;  ///< schema version -> canonical text
};

/// Notes kept with a baseline (DIR/<plugin>/NOTES): why the oldest readable version was raised.
struct AbiNotes {
  std::map<std::uint16_t, std::string> oldest;  ///< new oldest version -> reason ("oldest N: ...")
};

/// The description of `plugin`: one canonical text per layout within its oldest..current window.
PluginAbi abi_from_plugin(const Plugin& plugin);

/// Descriptions of every loaded plugin of `registry`, sorted by name.
std::vector<PluginAbi> abi_from_registry(const Registry& registry);

/// CRC-64/XZ of `text` (equals layout_fingerprint when `text` is a canonical layout text).
std::uint64_t text_fingerprint(std::string_view text);

/// Content of a schema-<N>.txt file: `canonical_text` then "fingerprint 0x<16 hex>\n".
std::string schema_file_text(std::string_view canonical_text);

/// Content of a plugin.txt file:
///   capstate-abi-plugin 1
///   name <plugin>
///   oldest_schema <decimal>
///   current_schema <decimal>
std::string plugin_file_text(const PluginAbi& abi);

}  // namespace capstate::core
