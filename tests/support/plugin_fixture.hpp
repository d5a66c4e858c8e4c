// Helpers shared by the plugins' own tests: real dumps from tests/data/real, the fields a plugin
// saves from one of them, byte images of model devices, and a save-then-restore round on a model
// device that reports the planned writes in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "restore/restore_plan.hpp"
#include "util/pci_address.hpp"

namespace capstate::plugintest {

/// The text of tests/data/real/<name>; throws when it cannot be read.
std::string real_dump(const std::string& name);

/// "name=0xvalue" for every field `plugin` saves from the first target of `kind`/`id` on the
/// first device of the real dump `name` (absent fields included, value 0); fails the test when
/// the device has no such target.
std::vector<std::string> saved_fields(const Plugin& plugin, const std::string& name, CapKind kind,
                                      std::uint16_t id);

/// Writes the low `n` bytes of `v` little-endian at `at`.
void put(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t v, unsigned n);
/// Reads `n` bytes little-endian at `at`.
std::uint32_t get(const std::vector<std::uint8_t>& bytes, std::size_t at, unsigned n);

/// One model device: its bytes and which bits are writable and write-1-to-clear.
struct ModelImage {
  std::vector<std::uint8_t> config;    ///< configuration space (4096 bytes unless smaller)
  std::vector<std::uint8_t> writable;  ///< bits a write changes
  std::vector<std::uint8_t> w1c;       ///< bits a write of 1 clears
};

/// What a save on one model device and a restore onto another produced.
struct ModelRestore {
  std::vector<std::string> writes;      ///< "name=0xvalue @0xoffset phase N", in execution order
  core::DevicePlan plan;                ///< the whole plan (skipped writes included)
  std::vector<std::uint8_t> bytes;      ///< the restored device's bytes afterwards
  std::vector<std::string> mismatches;  ///< verify mismatches after the writes
};

/// Saves `saved` with only `plugin` loaded and restores onto `now` at the same address.
ModelRestore save_and_restore(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                              const ModelImage& saved, const ModelImage& now);

}  // namespace capstate::plugintest
