// Generic field handling: presence, cached register reads, payload packing and unpacking.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/config_space.hpp"
#include "capstate/sdk/layout.hpp"
#include "capstate/sdk/plugin.hpp"

namespace capstate::core {

/// Thrown when a payload or a set of named values does not match its layout.
class PayloadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One field of a record with its value, as inspect shows it and assemble takes it.
struct FieldValue {
  std::string name;           ///< the field's name in the layout
  std::uint32_t value = 0;    ///< the saved value (0 when absent)
  bool present = false;       ///< whether the device had the register
  Width width = Width::word;  ///< the field's width

  friend bool operator==(const FieldValue&, const FieldValue&) = default;
};

/// Reads registers of one capability, each distinct (offset, width) at most once.
class RegisterCache {
 public:
  /// A cache over `config` for the capability `cap` (offsets are relative to cap.offset).
  RegisterCache(ConfigSpace& config, const Capability& cap) : config_(config), cap_(cap) {}

  /// The register at `offset` from the capability start, read from the device on first use.
  std::uint32_t read(std::uint16_t offset, Width width);
  /// Number of device reads done so far through this cache.
  std::size_t device_reads() const { return count_; }

 private:
  /// One register read so far.
  struct Entry {
    std::uint16_t offset = 0;
    Width width = Width::word;
    std::uint32_t value = 0;
  };
  /// Registers kept without a heap allocation (a layout reads far fewer than this).
  static constexpr std::size_t kInline = 16;

  ConfigSpace& config_;
  Capability cap_;
  std::array<Entry, kInline> inline_{};
  std::vector<Entry> more_;  // registers beyond the first kInline
  std::size_t count_ = 0;
};

/// Whether `c` holds; `earlier` are the fields saved before the one being tested.
/// A saved_field source takes the earlier field's value (0 when that field is absent).
bool condition_holds(const Condition& c, const Capability& cap, RegisterCache& regs,
                     std::span<const SavedField> earlier);

/// Whether every condition of `presence` holds (Test::always slots are skipped).
bool presence_holds(const Presence& presence, const Capability& cap, RegisterCache& regs,
                    std::span<const SavedField> earlier);

/// Whether `presence` contains a Test::never condition (the field is absent on every device).
bool never_present(const Presence& presence);

/// Evaluates presence and reads each present field of `layout`; absent registers are never read.
std::vector<SavedField> read_fields(const Layout& layout, const Capability& cap,
                                    RegisterCache& regs);

/// Payload bytes of the field values per layout.encoding (extra bytes not included).
/// `fields` must hold one entry per layout field, in layout order. The result has room for
/// `spare` more bytes (the extra bytes the caller appends) without reallocating.
std::vector<std::uint8_t> pack_fields(const Layout& layout, std::span<const SavedField> fields,
                                      std::size_t spare = 0);

/// Field values and the bytes after them, as unpacked from a payload.
struct UnpackedPayload {
  std::vector<FieldValue> fields;   ///< one per layout field, in layout order
  std::vector<std::uint8_t> extra;  ///< the plugin-coded bytes after the fields
};

/// Splits `payload` into field values and extra bytes; throws PayloadError naming `plugin`,
/// the schema, the field and the byte counts when it is too short, carries unknown presence
/// bits, or has trailing bytes although the layout declares no extra data.
/// With Encoding::all_fields a field counts as present unless its presence is never_present().
UnpackedPayload unpack_payload(std::string_view plugin, const Layout& layout,
                               std::span<const std::uint8_t> payload);

/// The checks of unpack_payload() alone, with the same errors, building no values (for a
/// payload that is only validated, e.g. after a migration step).
void check_payload(std::string_view plugin, const Layout& layout,
                   std::span<const std::uint8_t> payload);

/// Payload bytes of the fields from named values (the inverse of unpack_payload without extra);
/// throws PayloadError for an unknown, duplicate or missing name or a value wider than its field.
std::vector<std::uint8_t> pack_named_fields(std::string_view plugin, const Layout& layout,
                                            std::span<const FieldValue> values);

/// Problems in a layout (empty when it is sound): bad widths, misaligned or out-of-range
/// offsets, masks wider than the field, more than 32 fields, bad or duplicate names, overlapping
/// fields whose writable bits intersect, conditions naming an unknown or later field.
/// Each problem is one line naming `plugin`, the schema and the field.
std::vector<std::string> validate_layout(std::string_view plugin, const Layout& layout);

}  // namespace capstate::core
