// The msix plugin: MSI-X Message Control and Table Offset as data, the vector table as code.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::msix {

/// Saves MSI-X control and, when BAR memory is reachable, the whole vector table.
class MsixPlugin final : public Plugin {
 public:
  /// Name "msix", standard capability 0x11, schemas 1-2, phase 300, needs BAR access.
  PluginInfo info() const override;
  /// Schema 1 and schema 2 layouts from msix_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// Steps between schemas 1 and 2 from msix_migrations.hpp.
  std::span<const MigrationStep> migrations() const override;
  /// Schema 2 extra bytes: table_saved, entries and, when the table is reachable, the table.
  std::vector<std::uint8_t> save_extra(const SaveContext& ctx) const override;
  /// Named values of the extra bytes; throws std::invalid_argument on malformed bytes.
  std::vector<DecodedValue> decode_extra(std::uint16_t schema,
                                         std::span<const std::uint8_t> extra) const override;
  /// Extra bytes from named values; throws std::invalid_argument on unknown or missing names.
  std::vector<std::uint8_t> encode_extra(std::uint16_t schema,
                                         std::span<const DecodedValue> values) const override;
  /// With a saved table and BAR access: mask all vectors, rewrite the table entries that differ,
  /// then restore Message Control. Without either: Message Control only, the table untouched.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::msix
