// One capability found on a device by discovery.
#pragma once

#include <cstdint>
#include <string_view>

namespace capstate {

/// Which capability list a capability sits in.
enum class CapKind : std::uint8_t {
  standard = 0,  ///< the list starting at 0x34 (8-bit IDs)
  extended = 1,  ///< the PCI Express list starting at 0x100 (16-bit IDs)
};

/// Name of a capability kind as printed and parsed ("standard" / "extended").
constexpr std::string_view to_string(CapKind k) {
  return k == CapKind::standard ? "standard" : "extended";
}

/// A capability type: the list it lives in and its ID there.
struct CapabilityId {
  CapKind kind = CapKind::standard;  ///< which list
  std::uint16_t id = 0;              ///< capability ID within that list

  friend constexpr bool operator==(const CapabilityId&, const CapabilityId&) = default;
};

/// One capability instance on one device.
struct Capability {
  CapKind kind = CapKind::standard;  ///< which list it was found in
  std::uint16_t id = 0;              ///< capability ID
  std::uint16_t offset = 0;          ///< offset of its header in configuration space
  std::uint8_t version = 0;          ///< header version (extended caps); 0 for standard caps

  /// The capability type of this instance.
  constexpr CapabilityId type() const { return {kind, id}; }
  friend constexpr bool operator==(const Capability&, const Capability&) = default;
};

}  // namespace capstate
