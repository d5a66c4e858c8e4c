// Benchmark 4, size: state-file bytes of the typical endpoint (PCIe v2 + MSI-X with 16 vectors +
// LTR) next to the Linux kernel's pci_store_saved_state() blob for the same device.
//
// Kernel side, from drivers/pci/pci.c (struct layouts on x86-64):
//   struct pci_saved_state { u32 config_space[16]; struct pci_cap_saved_data cap[]; }  -> 64 B
//   struct pci_cap_saved_data { u16 cap_nr; bool cap_extended; unsigned int size; u32 data[]; }
//                                                                          -> 8 B + size each
//   one empty pci_cap_saved_data ends the list                              -> 8 B
//   pci_allocate_cap_save_buffers(): PCIe PCI_EXP_SAVE_REGS (7) x u16 = 14 B; LTR 2 x u16 = 4 B.
//   MSI-X has no saved-cap buffer: __pci_restore_msix_state() rewrites each vector from its
//   msi_desc (struct msi_msg: address_lo, address_hi, data = 12 B, plus the u32 vector control),
//   so the table lives outside the blob; the like-for-like row adds 16 B per vector for it.
#include <cstdio>
#include <string>
#include <vector>

#include "dispatch/device_save.hpp"
#include "statefile/codec.hpp"
#include "typical_endpoint.hpp"

namespace capstate::bench {
namespace {

std::size_t encoded(const core::StateFile& f) {
  return core::encode_state(f).size();
}

int run() {
  const core::Registry registry = shipped_registry();
  core::ModelSource model;
  const core::PciAddress a = nth_address(8);
  add_endpoint(model, a, 7);
  core::Device dev = model.open(a);
  core::SaveReport report;
  const core::DeviceSection section = core::save_device(dev, registry, {}, report);

  core::StateFile file;
  file.envelope.producer_name = "capstate";
  file.envelope.producer_version = "0.1.0";
  file.envelope.kernel_release = "6.1.0-56-amd64";  // a typical uname -r
  const std::size_t envelope = encoded(file);
  core::DeviceSection bare = section;
  bare.records.clear();
  file.devices = {bare};
  const std::size_t device_header = encoded(file) - envelope;

  std::printf(
      "State file of one typical endpoint (PCIe v2 endpoint, MSI-X %u vectors in BAR 0, "
      "LTR)\n\n",
      EndpointLayout::vectors);
  std::printf("%-34s %6s %8s %9s\n", "part", "bytes", "payload", "overhead");
  std::printf("%-34s %6zu %8s %9s\n", "envelope (once per file)", envelope, "-", "-");
  std::printf("%-34s %6zu %8s %9s\n", "device section (address, identity)", device_header, "-",
              "-");
  std::size_t records = 0, msix_table = 0;
  for (const Record& r : section.records) {
    bare.records = {r};
    file.devices = {bare};
    const std::size_t bytes = encoded(file) - envelope - device_header;
    records += bytes;
    if (r.plugin == "msix" && r.payload.size() > 16u * EndpointLayout::vectors) {
      msix_table = 16u * EndpointLayout::vectors;
    }
    std::printf(
        "%-34s %6zu %8zu %9zu\n",
        ("record " + r.plugin + " (schema " + std::to_string(r.schema_version) + ")").c_str(),
        bytes, r.payload.size(), bytes - r.payload.size());
  }
  file.devices = {section};
  const std::size_t one = encoded(file);
  core::DeviceSection second = section;
  second.address = nth_address(9);
  file.devices.push_back(second);
  const std::size_t per_device = encoded(file) - one;
  std::printf("%-34s %6zu\n", "whole file, 1 device", one);
  std::printf("%-34s %6zu   (device section + records)\n\n", "each further device", per_device);

  const std::size_t kernel_blob = 64 + (8 + 14) + (8 + 4) + 8;
  const std::size_t kernel_table = 16u * EndpointLayout::vectors;
  std::printf(
      "Linux pci_store_saved_state() blob for the same device: 64 (header dwords) + 8+14 "
      "(PCIe)\n+ 8+4 (LTR) + 8 (end marker) = %zu B; MSI-X vectors kept in msi_desc: "
      "%u x 16 = %zu B\n\n",
      kernel_blob, EndpointLayout::vectors, kernel_table);
  std::printf("%-46s %8s %8s %6s\n", "comparison", "capstate", "kernel", "ratio");
  const auto row = [](const char* what, std::size_t ours, std::size_t theirs) {
    std::printf("%-46s %8zu %8zu %6.2f\n", what, ours, theirs,
                static_cast<double>(ours) / static_cast<double>(theirs));
  };
  row("per device, with MSI-X table / blob + vectors", per_device, kernel_blob + kernel_table);
  row("whole 1-device file / blob + vectors", one, kernel_blob + kernel_table);
  row("per device without the table / blob alone", per_device - msix_table, kernel_blob);
  row("per device, with table / blob alone", per_device, kernel_blob);

  // The blob's 64 bytes are the header dwords 0x00-0x3f; the in-tree header plugin saves the
  // writable ones (Command, BARs, ROM, cache line, latency, interrupt line) as one more record.
  core::Device again = model.open(a);
  const core::DeviceSection all = core::save_device(again, in_tree_registry(), {}, report);
  std::size_t header = 0;
  for (const Record& r : all.records) {
    if (r.capability.kind == CapKind::header) {
      bare.records = {r};
      file.devices = {bare};
      header = encoded(file) - envelope - device_header;
      std::printf(
          "\nwith the in-tree header plugin: record %s (schema %u) %zu bytes, payload %zu, "
          "overhead %zu\n",
          r.plugin.c_str(), static_cast<unsigned>(r.schema_version), header, r.payload.size(),
          header - r.payload.size());
    }
  }
  if (header != 0) {
    row("per device with header and table / blob + vectors", per_device + header,
        kernel_blob + kernel_table);
  }
  std::printf(
      "(the kernel blob keeps no identity, no address, no schema, fingerprint or checksums; a\n"
      "record costs 30 bytes + plugin name + claim text besides its payload.)\n");
  return 0;
}

}  // namespace
}  // namespace capstate::bench

int main() {
  try {
    return capstate::bench::run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstate_bench_size: %s\n", e.what());
    return 1;
  }
}
