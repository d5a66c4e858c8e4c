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

/// Reads registers of one capability (and of the configuration header), each distinct
/// (offset, width) at most once.
class RegisterCache {
 public:
  /// A cache over `config` for the capability `cap` (offsets are relative to cap.offset).
  RegisterCache(ConfigSpace& config, const Capability& cap) : config_(config), cap_(cap) {}

  /// The register at `offset` from the capability start, read from the device on first use.
  std::uint32_t read(std::uint16_t offset, Width width);
  /// The register at `offset` from the start of configuration space, read on first use.
  std::uint32_t read_absolute(std::uint32_t offset, Width width);
  /// The device's name, for messages.
  std::string device_name() const { return config_.device_name(); }
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

/// The saved state of one array of a layout.
struct ArrayValues {
  bool saved = false;                 ///< whether the elements were read
  std::uint32_t count = 0;            ///< how many elements the device has (0 when absent)
  std::vector<std::uint32_t> values;  ///< when saved: count x element fields, element by element

  friend bool operator==(const ArrayValues&, const ArrayValues&) = default;
};

/// Where the elements of an array lie on one device.
struct ArrayPlace {
  Space space = Space::config;  ///< configuration space or BAR memory
  std::uint8_t bar = 0;         ///< the BAR (bar space)
  std::uint64_t base = 0;       ///< absolute config offset, or offset in the BAR, of element 0
};

/// The element count of `array` from the saved fields (or its constant); PayloadError when it
/// exceeds the array's max.
std::uint32_t array_count(std::string_view plugin, const Array& array,
                          std::span<const SavedField> fields);

/// Where `array` lies for capability `cap` with these saved fields.
ArrayPlace array_place(const Array& array, const Capability& cap,
                       std::span<const SavedField> fields);

/// Why `count` elements of the config-space `array` at `place` cannot be read or written: they
/// would reach beyond configuration space, or (extended capability) below 0x100; "" when they
/// fit, and for BAR arrays.
std::string config_array_out_of_range(const Array& array, const Capability& cap,
                                      const ArrayPlace& place, std::uint32_t count);

/// Reads every array of `layout` whose presence holds: config-space arrays through `regs`, BAR
/// arrays through `bars`. A BAR array is left unsaved (count kept) when `bars` is null, the BAR
/// is absent or too small, or the memory cannot be mapped; then one line naming the device, the
/// array and the cause goes to `warnings` (when not null). So is a config-space array a field
/// locates (Placement::locator) when config_array_out_of_range says it does not fit.
std::vector<ArrayValues> read_arrays(std::string_view plugin, const Layout& layout,
                                     const Capability& cap, std::span<const SavedField> fields,
                                     RegisterCache& regs, BarSpace* bars,
                                     std::vector<std::string>* warnings);

/// The element values of every array as named values: saved_name, count_name, then
/// "<name>[i].<field>" for saved elements.
std::vector<DecodedValue> array_named_values(const Layout& layout,
                                             std::span<const ArrayValues> arrays);

/// The inverse of array_named_values: takes the names that belong to the layout's arrays out of
/// `values` (the rest stays, in order) and returns the arrays; PayloadError on a missing,
/// duplicate or out-of-range value.
std::vector<ArrayValues> take_array_values(std::string_view plugin, const Layout& layout,
                                           std::vector<DecodedValue>& values);

/// The values of `payload` by name (present fields, then the arrays as array_named_values gives
/// them); PayloadError when the payload does not fit `layout` or carries plugin-coded extra bytes
/// (names cannot hold those).
NamedValues to_named_values(std::string_view plugin, const Layout& layout,
                            std::span<const std::uint8_t> payload);

/// The payload of `layout` holding `values`: every layout field named there is present, the
/// others absent; the arrays from their names. PayloadError for a name the layout does not have,
/// a value wider than its field, or a missing array value.
std::vector<std::uint8_t> from_named_values(std::string_view plugin, const Layout& layout,
                                            const NamedValues& values);

/// Appends the encoded arrays (u8 saved, u16 count, then the elements) to `out`.
void pack_arrays(const Layout& layout, std::span<const ArrayValues> arrays,
                 std::vector<std::uint8_t>& out);

/// Payload bytes of the field values per layout.encoding (extra bytes not included).
/// `fields` must hold one entry per layout field, in layout order. The result has room for
/// `spare` more bytes (the extra bytes the caller appends) without reallocating.
std::vector<std::uint8_t> pack_fields(const Layout& layout, std::span<const SavedField> fields,
                                      std::size_t spare = 0);

/// Field values, arrays and the bytes after them, as unpacked from a payload.
struct UnpackedPayload {
  std::vector<FieldValue> fields;   ///< one per layout field, in layout order
  std::vector<ArrayValues> arrays;  ///< one per layout array, in layout order
  std::vector<std::uint8_t> extra;  ///< the plugin-coded bytes after the arrays
};

/// Splits `payload` into field values, arrays and extra bytes; throws PayloadError naming
/// `plugin`, the schema, the field or array and the byte counts when it is too short, carries
/// unknown presence bits or a bad array header, or has trailing bytes although the layout
/// declares no extra data.
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

}  // namespace capstate::core
