// The msi plugin: MSI message address, data, mask bits and control, as data.
#pragma once

#include "capstate/sdk/plugin.hpp"

namespace capstate::msi {

/// Saves and restores MSI; the only code is turning Enable off before a changed message is written.
class MsiPlugin final : public Plugin {
 public:
  /// Name "msi", standard capability 0x05, schema 1, phase 300.
  PluginInfo info() const override;
  /// The schema 1 layout from msi_layout.hpp.
  std::span<const Layout> layouts() const override;
  /// When MSI is enabled on the device and the message or mask bits differ: Enable off first (as
  /// the kernel does), then the fields, Message Control last. Otherwise the fields only.
  void restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const override;
};

}  // namespace capstate::msi
