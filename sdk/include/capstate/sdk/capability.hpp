// One capability found on a device by discovery.
#pragma once

#include <cstdint>
#include <string_view>

namespace capstate {

/// What a target is: a capability of one of the two lists, the configuration header, or a region
/// of configuration space outside every capability.
enum class CapKind : std::uint8_t {
  standard = 0,  ///< a capability of the list starting at 0x34 (8-bit IDs)
  extended = 1,  ///< a capability of the PCI Express list starting at 0x100 (16-bit IDs)
  header = 2,    ///< the configuration header, 0x00-0x3f (type 0 or 1); ID 0, offset 0
  region = 3,    ///< a range of configuration space a plugin declares; ID 0, offset its start
};

/// Name of a target kind as printed and parsed ("standard", "extended", "header", "region").
constexpr std::string_view to_string(CapKind k) {
  switch (k) {
    case CapKind::standard:
      return "standard";
    case CapKind::extended:
      return "extended";
    case CapKind::header:
      return "header";
    case CapKind::region:
      return "region";
  }
  return "unknown";
}

/// A capability type: the list it lives in and its ID there.
struct CapabilityId {
  CapKind kind = CapKind::standard;  ///< which list
  std::uint16_t id = 0;              ///< capability ID within that list

  friend constexpr bool operator==(const CapabilityId&, const CapabilityId&) = default;
};

/// One target on one device: a capability instance, the header, or a region. Layout offsets,
/// conditions and write requests are relative to `offset`.
struct Capability {
  CapKind kind = CapKind::standard;  ///< which list it was found in, or header / region
  std::uint16_t id = 0;              ///< capability ID (0 for the header and regions)
  std::uint16_t offset = 0;          ///< offset of its header (or the region's start) in config
  std::uint8_t version = 0;          ///< header version (extended caps); 0 for standard caps

  /// The capability type of this instance.
  constexpr CapabilityId type() const { return {kind, id}; }
  friend constexpr bool operator==(const Capability&, const Capability&) = default;
};

}  // namespace capstate
