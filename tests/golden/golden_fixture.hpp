// Helpers of the golden-file tests: reading a committed state file, the shipped plugins in a
// registry, and model devices built from the bundled lspci dumps with realistic writable masks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backends/dump_source.hpp"
#include "backends/model_source.hpp"
#include "ltr_plugin.hpp"
#include "msix_plugin.hpp"
#include "pcie_plugin.hpp"
#include "registry/registry.hpp"
#include "statefile/codec.hpp"
#include "support/file_text.hpp"

namespace capstate::goldentest {

/// Every committed golden file, by name under tests/golden/.
inline const std::vector<std::string> kGoldenFiles{"v1-q35.cst", "v1-ltr.cst", "v2-q35.cst",
                                                   "v2-ltr.cst", "v2-msix-table.cst"};

/// Full path of a file in tests/golden.
inline std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(CAPSTATE_SOURCE_DIR) / "tests" / "golden" / name;
}

/// Full path of a file in tests/data.
inline std::filesystem::path data_path(const std::string& name) {
  return std::filesystem::path(CAPSTATE_TEST_DATA_DIR) / name;
}

/// The decoded golden file `name`; throws (naming the file) when it is missing.
inline core::StateFile read_golden(const std::string& name) {
  return core::decode_state(testsupport::read_bytes(golden_path(name)), name);
}

/// The three shipped plugins, linked in (no dlopen).
inline core::Registry shipped() {
  return core::Registry::from_plugins({std::make_shared<pcie::PciePlugin>(),
                                       std::make_shared<msix::MsixPlugin>(),
                                       std::make_shared<ltr::LtrPlugin>()});
}

/// Bits a model device lets software change: (config offset, width in bytes, mask).
struct Writable {
  std::uint16_t offset = 0;  ///< absolute config offset
  unsigned bytes = 2;        ///< register width
  std::uint32_t mask = 0;    ///< writable bits
};

/// A model holding device `address` of the lspci dump `dump` (its bytes as captured), writable
/// only where `writable` says, with every W1C bit clear.
inline core::ModelSource model_from_dump(const std::filesystem::path& dump,
                                         const core::PciAddress& address,
                                         const std::vector<Writable>& writable) {
  core::DumpSource source(dump);
  const std::span<const std::uint8_t> config = source.bytes(address);
  std::vector<std::uint8_t> mask(config.size(), 0);
  for (const Writable& w : writable) {
    for (unsigned i = 0; i < w.bytes; ++i) {
      mask.at(w.offset + i) = static_cast<std::uint8_t>(w.mask >> (8 * i));
    }
  }
  core::ModelSource model;
  model.add(address, {config.begin(), config.end()}, mask,
            std::vector<std::uint8_t>(config.size(), 0));
  return model;
}

/// Little-endian value of `bytes` bytes at `offset` of `data`.
inline std::uint32_t le_at(std::span<const std::uint8_t> data, std::size_t offset, unsigned bytes) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) {
    v |= static_cast<std::uint32_t>(data[offset + i]) << (8 * i);
  }
  return v;
}

}  // namespace capstate::goldentest
