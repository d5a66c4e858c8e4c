// The "typical endpoint" the benchmarks use: PCIe + MSI-X (16 vectors in BAR memory) + LTR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backends/model_source.hpp"
#include "registry/registry.hpp"
#include "util/pci_address.hpp"

namespace capstate::bench {

/// Where the endpoint's capabilities and registers sit (all offsets absolute).
struct EndpointLayout {
  static constexpr std::uint16_t pcie = 0x40;     ///< PCI Express capability (version 2)
  static constexpr std::uint16_t devctl = 0x48;   ///< Device Control
  static constexpr std::uint16_t lnkctl = 0x50;   ///< Link Control
  static constexpr std::uint16_t devctl2 = 0x68;  ///< Device Control 2
  static constexpr std::uint16_t lnkctl2 = 0x70;  ///< Link Control 2
  static constexpr std::uint16_t msix = 0x80;     ///< MSI-X capability
  static constexpr std::uint16_t msixctl = 0x82;  ///< MSI-X Message Control
  static constexpr std::uint16_t ltr = 0x100;     ///< LTR extended capability
  static constexpr std::uint16_t ltrlat = 0x104;  ///< LTR max snoop / no-snoop latencies
  static constexpr std::uint32_t vectors = 16;    ///< MSI-X table entries
  static constexpr std::size_t bar_size = 0x400;  ///< BAR 0: table at 0, PBA at 0x100
};

/// The address of the `index`-th benchmark device (spread over domains, buses and slots).
core::PciAddress nth_address(std::size_t index);

/// Adds one endpoint at `address`, its register values varied by `seed`, with the model's
/// writable masks matching the plugins' masks and a programmed 16-vector MSI-X table.
void add_endpoint(core::ModelSource& source, const core::PciAddress& address, std::uint32_t seed);

/// Makes the endpoint look reset: control registers, LTR latencies and the MSI-X table cleared
/// (read-only bits untouched), as after a function-level reset.
void reset_endpoint(core::ModelSource& source, const core::PciAddress& address);

/// A registry holding the three plugins of the typical endpoint (pcie, msix, ltr), linked in (no
/// dlopen), as benchmarks 3 and 4 have always measured; warns on stderr when one is not loaded.
core::Registry shipped_registry();

/// A registry holding every in-tree plugin (the 19 of plugins/), linked in, as
/// benchmarks 1 and 2 measure; warns on stderr when one is not loaded.
core::Registry in_tree_registry();

}  // namespace capstate::bench
