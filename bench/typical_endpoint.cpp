// Builds the benchmarks' typical endpoint in an in-memory model.
#include "typical_endpoint.hpp"

#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "acs_plugin.hpp"
#include "aer_plugin.hpp"
#include "ats_plugin.hpp"
#include "dpc_plugin.hpp"
#include "header_plugin.hpp"
#include "l1ss_plugin.hpp"
#include "ltr_plugin.hpp"
#include "msi_plugin.hpp"
#include "msix_plugin.hpp"
#include "pasid_plugin.hpp"
#include "pcie_plugin.hpp"
#include "pcix_plugin.hpp"
#include "pm_plugin.hpp"
#include "pri_plugin.hpp"
#include "ptm_plugin.hpp"
#include "rebar_plugin.hpp"
#include "sriov_plugin.hpp"
#include "tph_plugin.hpp"
#include "vc_plugin.hpp"

namespace capstate::bench {
namespace {

using E = EndpointLayout;

/// Stores `value` little-endian at `offset` of `v`.
void put(std::vector<std::uint8_t>& v, std::size_t offset, unsigned bytes, std::uint32_t value) {
  for (unsigned i = 0; i < bytes; ++i) {
    v.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

/// Writes one 32-bit word little-endian into BAR memory.
void put_bar(std::span<std::uint8_t> bar, std::size_t offset, std::uint32_t value) {
  for (unsigned i = 0; i < 4; ++i) {
    bar[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

// `r`, after a loud warning for every plugin it did not load: the figures would silently leave
// that target out.
core::Registry loaded_or_warn(core::Registry r) {
  for (const core::PluginEntry& e : r.entries()) {
    if (e.status != core::PluginStatus::loaded) {
      std::fprintf(stderr, "WARNING: shipped plugin '%s' is %s: %s; its capability is not saved\n",
                   e.name.c_str(), std::string(core::to_string(e.status)).c_str(),
                   e.reason.c_str());
    }
  }
  return r;
}

}  // namespace

core::PciAddress nth_address(std::size_t index) {
  core::PciAddress a;
  a.function = static_cast<std::uint8_t>(index % 8);
  a.device = static_cast<std::uint8_t>((index / 8) % 32);
  a.bus = static_cast<std::uint8_t>((index / 256) % 256);
  a.domain = static_cast<std::uint32_t>(index / 65536);
  return a;
}

void add_endpoint(core::ModelSource& source, const core::PciAddress& address, std::uint32_t seed) {
  std::vector<std::uint8_t> cfg(kExtendedSize, 0);
  std::vector<std::uint8_t> rw(kExtendedSize, 0);
  put(cfg, 0x00, 4, 0x15b31234);  // vendor 1234, device 15b3
  put(cfg, 0x04, 2, 0x0406);      // command: memory space, bus master, INTx disable
  put(cfg, 0x06, 2, 0x0010);      // status: capability list
  put(cfg, 0x08, 4, 0x02000001);  // class 020000 (Ethernet), revision 01
  put(cfg, 0x2c, 4, 0x00011234);  // subsystem
  put(cfg, 0x34, 1, E::pcie);
  put(cfg, E::pcie, 2, 0x8010);      // PCIe, next at 0x80
  put(cfg, E::pcie + 2, 2, 0x0002);  // version 2, endpoint
  put(cfg, E::devctl, 2, 0x2810 | (seed & 0x7));
  put(cfg, E::lnkctl, 2, 0x0042 | ((seed >> 3) & 0x1));
  put(cfg, E::devctl2, 2, 0x0400 | ((seed >> 4) & 0xf));
  put(cfg, E::lnkctl2, 2, 0x0003);
  put(rw, E::devctl, 2, 0x7fff);
  put(rw, E::lnkctl, 2, 0x0ffb);
  put(rw, E::devctl2, 2, 0xf7ff);
  put(rw, E::lnkctl2, 2, 0x002f);
  put(cfg, E::msix, 2, 0x0011);  // MSI-X, end of list
  put(cfg, E::msixctl, 2, 0x8000 | (E::vectors - 1));
  put(cfg, E::msix + 4, 4, 0x00000000);  // table: BAR 0 at 0
  put(cfg, E::msix + 8, 4, 0x00000100);  // PBA: BAR 0 at 0x100
  put(rw, E::msixctl, 2, 0xc000);
  put(cfg, E::ltr, 4, 0x00010018);  // LTR, version 1, end of list
  put(cfg, E::ltrlat, 4, 0x10031003 + (seed & 0xff));
  put(rw, E::ltrlat, 4, 0x1fff1fff);
  source.add(address, std::move(cfg), std::move(rw), std::vector<std::uint8_t>(kExtendedSize, 0));
  source.add_bar(address, 0, E::bar_size);
  std::span<std::uint8_t> bar = source.bar_bytes(address, 0);
  for (std::uint32_t v = 0; v < E::vectors; ++v) {
    put_bar(bar, 16 * v + 0, 0xfee00000 | (((seed + v) & 0xff) << 12));
    put_bar(bar, 16 * v + 4, 0);
    put_bar(bar, 16 * v + 8, 0x4020 + v);
    put_bar(bar, 16 * v + 12, 0);
  }
}

void reset_endpoint(core::ModelSource& source, const core::PciAddress& address) {
  core::Device dev = source.open(address);
  dev.config->write(E::devctl, Width::word, 0x2810);
  dev.config->write(E::lnkctl, Width::word, 0x0000);
  dev.config->write(E::devctl2, Width::word, 0x0000);
  dev.config->write(E::msixctl, Width::word, 0x0000);
  dev.config->write(E::ltrlat, Width::dword, 0x00000000);
  std::span<std::uint8_t> bar = source.bar_bytes(address, 0);
  for (std::uint32_t v = 0; v < E::vectors; ++v) {
    put_bar(bar, 16 * v + 0, 0);
    put_bar(bar, 16 * v + 8, 0);
    put_bar(bar, 16 * v + 12, 1);  // masked, as after reset
  }
}

core::Registry shipped_registry() {
  return loaded_or_warn(core::Registry::from_plugins({std::make_shared<pcie::PciePlugin>(),
                                                      std::make_shared<msix::MsixPlugin>(),
                                                      std::make_shared<ltr::LtrPlugin>()}));
}

core::Registry in_tree_registry() {
  return loaded_or_warn(core::Registry::from_plugins(
      {std::make_shared<header::HeaderPlugin>(), std::make_shared<pm::PmPlugin>(),
       std::make_shared<pcie::PciePlugin>(), std::make_shared<msi::MsiPlugin>(),
       std::make_shared<msix::MsixPlugin>(), std::make_shared<ltr::LtrPlugin>(),
       std::make_shared<l1ss::L1ssPlugin>(), std::make_shared<pasid::PasidPlugin>(),
       std::make_shared<pri::PriPlugin>(), std::make_shared<ats::AtsPlugin>(),
       std::make_shared<vc::VcPlugin>(), std::make_shared<rebar::RebarPlugin>(),
       std::make_shared<dpc::DpcPlugin>(), std::make_shared<ptm::PtmPlugin>(),
       std::make_shared<tph::TphPlugin>(), std::make_shared<aer::AerPlugin>(),
       std::make_shared<pcix::PcixPlugin>(), std::make_shared<acs::AcsPlugin>(),
       std::make_shared<sriov::SriovPlugin>()}));
}

}  // namespace capstate::bench
