// Walks the standard (8-bit ID) and extended (16-bit ID) capability lists of one device.
#include "discovery/discovery.hpp"

#include <bitset>
#include <cstdint>
#include <string>

#include "util/hex.hpp"

namespace capstate::core {
namespace {

// Generic configuration-header facts (no capability is named here).
constexpr std::uint16_t kStatusOffset = 0x06;
constexpr std::uint16_t kStatusCapList = 0x0010;
constexpr std::uint16_t kHeaderTypeOffset = 0x0e;
constexpr std::uint8_t kHeaderTypeMask = 0x7f;
constexpr std::uint16_t kListPointer = 0x34;         // header types 0 and 1
constexpr std::uint16_t kCardBusListPointer = 0x14;  // header type 2
constexpr std::uint16_t kFirstStandardOffset = 0x40;
constexpr std::uint8_t kEndOfListId = 0xff;
constexpr std::uint16_t kFirstExtendedOffset = 0x100;
constexpr std::uint32_t kNoExtendedAccess = 0xffffffffU;

// "1 entry", "3 entries".
std::string entries(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " entry" : " entries");
}

// Collects the capabilities and warnings of one discover() call.
class Walker {
 public:
  /// A walk of `config`; `header_type` is byte 0x0e when the caller has read it already.
  Walker(ConfigSpace& config, std::optional<std::uint8_t> header_type)
      : config_(config), header_type_(header_type) {
    result_.capabilities.reserve(kTypicalCapabilities);
  }

  void walk_standard();
  void walk_extended();
  DiscoveryResult take() { return std::move(result_); }

 private:
  void warn(const std::string& text) {
    result_.warnings.push_back(config_.device_name() + ": " + text);
  }

  /// Room reserved up front: most devices have fewer capabilities, so the list grows at most once.
  static constexpr std::size_t kTypicalCapabilities = 16;

  ConfigSpace& config_;
  std::optional<std::uint8_t> header_type_;
  DiscoveryResult result_;
};

void Walker::walk_standard() {
  if ((config_.read16(kStatusOffset) & kStatusCapList) == 0) {
    return;
  }
  const std::uint8_t header_type =
      (header_type_ ? *header_type_ : config_.read8(kHeaderTypeOffset)) & kHeaderTypeMask;
  std::uint16_t pointer_at = 0;
  if (header_type == 0 || header_type == 1) {
    pointer_at = kListPointer;
  } else if (header_type == 2) {
    pointer_at = kCardBusListPointer;
  } else {
    warn("header type " + hex(header_type, 2) + " (at " + hex(kHeaderTypeOffset, 2) +
         ") is not 0, 1 or 2, so the standard capability list was not walked");
    return;
  }

  std::bitset<256> seen;
  std::size_t found = 0;
  unsigned next = config_.read8(pointer_at);
  for (;;) {
    if (next < kFirstStandardOffset) {
      if (next != 0) {
        warn("standard capability pointer " + hex(next, 2) + " (at " + hex(pointer_at, 2) +
             ") points into the configuration header (below 0x40); stopped after " +
             entries(found));
      }
      return;
    }
    const unsigned offset = next & ~3U;
    if (seen.test(offset)) {
      warn("standard capability list loops back to " + hex(offset, 2) + "; stopped after " +
           entries(found));
      return;
    }
    if (found == kMaxStandardEntries) {
      warn("standard capability list has more than " + std::to_string(kMaxStandardEntries) +
           " entries; stopped after " + entries(found) + " (next pointer " + hex(next, 2) + " at " +
           hex(pointer_at, 2) + " not followed)");
      return;
    }
    if (offset + 2 > config_.size()) {
      warn("standard capability pointer " + hex(next, 2) + " (at " + hex(pointer_at, 2) +
           ") points past the end of the " + std::to_string(config_.size()) +
           "-byte configuration space; stopped after " + entries(found));
      return;
    }
    seen.set(offset);
    const std::uint16_t entry = config_.read16(static_cast<std::uint16_t>(offset));
    const std::uint8_t id = entry & 0xffU;
    if (id == kEndOfListId) {
      return;
    }
    result_.capabilities.push_back(
        Capability{CapKind::standard, id, static_cast<std::uint16_t>(offset), 0});
    ++found;
    next = entry >> 8;
    pointer_at = static_cast<std::uint16_t>(offset + 1);
  }
}

void Walker::walk_extended() {
  const unsigned size = config_.size();
  if (size <= kConventionalSize) {
    return;
  }
  std::bitset<kExtendedSize / 4> seen;
  std::size_t found = 0;
  unsigned offset = kFirstExtendedOffset;
  unsigned pointer_at = 0;  // where `offset` came from; 0 while at the fixed start
  for (;;) {
    if (seen.test(offset / 4)) {
      warn("extended capability list loops back to " + hex(offset, 3) + "; stopped after " +
           entries(found));
      return;
    }
    if (found == kMaxExtendedEntries) {
      warn("extended capability list has more than " + std::to_string(kMaxExtendedEntries) +
           " entries; stopped after " + entries(found) + " (next pointer " + hex(offset, 3) +
           " at " + hex(pointer_at, 3) + " not followed)");
      return;
    }
    if (offset + 4 > size) {
      const std::string what =
          pointer_at == 0 ? "list start " + hex(offset, 3)
                          : "pointer " + hex(offset, 3) + " (at " + hex(pointer_at, 3) + ")";
      warn("extended capability " + what + " points past the end of the " + std::to_string(size) +
           "-byte configuration space; stopped after " + entries(found));
      return;
    }
    seen.set(offset / 4);
    const std::uint32_t header = config_.read32(static_cast<std::uint16_t>(offset));
    if (found == 0 && (header == 0 || header == kNoExtendedAccess)) {
      return;  // no extended capabilities, or no access to extended space
    }
    if (header == 0 || header == kNoExtendedAccess) {
      warn("extended capability pointer " + hex(offset, 3) + " (at " + hex(pointer_at, 3) +
           ") leads to " + (header == 0 ? "an empty header" : "a header reading all ones") +
           "; stopped after " + entries(found));
      return;
    }
    const auto id = static_cast<std::uint16_t>(header & 0xffffU);
    const auto version = static_cast<std::uint8_t>((header >> 16) & 0xfU);
    result_.capabilities.push_back(
        Capability{CapKind::extended, id, static_cast<std::uint16_t>(offset), version});
    ++found;
    const unsigned next = (header >> 20) & 0xffcU;
    if (next < kFirstExtendedOffset) {
      if (next != 0) {
        warn("extended capability next pointer " + hex(next, 3) + " (at " + hex(offset, 3) +
             ") points below 0x100; stopped after " + entries(found));
      }
      return;
    }
    pointer_at = offset;
    offset = next;
  }
}

}  // namespace

DiscoveryResult discover(ConfigSpace& config) {
  Walker walker(config, std::nullopt);
  walker.walk_standard();
  walker.walk_extended();
  return walker.take();
}

DiscoveryResult discover(ConfigSpace& config, std::uint8_t header_type) {
  Walker walker(config, header_type);
  walker.walk_standard();
  walker.walk_extended();
  return walker.take();
}

}  // namespace capstate::core
