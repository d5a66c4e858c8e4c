// A ConfigSpace that reads each aligned dword of another one at most once (the save path).
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>

#include "capstate/sdk/config_space.hpp"

namespace capstate::core {

/// Serves byte, word and dword reads from whole aligned dwords read once from `source`, so
/// everything that reads one device while it is saved (identity, discovery, claims, every
/// plugin's fields and code) shares each dword: the header's fields share dwords, and plugins
/// read overlapping registers.
///
/// The source keeps its own error semantics: an access that is misaligned or beyond size() goes
/// straight to the source (which throws its AccessError), and when the source refuses the dword
/// read, the access as asked for is passed to the source, so it fails (or succeeds) exactly as it
/// would without the cache; failures are never cached. Writes go to the source and forget the
/// dword they touch. Values are as fresh as the first read of their dword: use one cache for one
/// pass over a device (save_device makes one per call), not across a change of the device.
class CachedConfigSpace final : public ConfigSpace {
 public:
  /// Caches reads of `source`, which must outlive this object.
  explicit CachedConfigSpace(ConfigSpace& source) : source_(source) {}

  /// The source's size.
  std::uint16_t size() const override { return source_.size(); }
  /// The source's device name.
  std::string device_name() const override { return source_.device_name(); }
  /// The register from its cached dword; reads the dword from the source on first use.
  std::uint32_t read(std::uint16_t offset, Width width) override;
  /// Writes through to the source and forgets the dword at `offset`.
  void write(std::uint16_t offset, Width width, std::uint32_t value) override;

  /// Number of dwords held.
  std::size_t cached_dwords() const { return valid_.count(); }
  /// Forgets every held dword (the next reads go to the source again).
  void clear() { valid_.reset(); }

 private:
  static constexpr std::size_t kDwords = kExtendedSize / 4;
  ConfigSpace& source_;
  std::bitset<kDwords> valid_;
  std::array<std::uint32_t, kDwords> dwords_;  // meaningful only where valid_ is set
};

}  // namespace capstate::core
