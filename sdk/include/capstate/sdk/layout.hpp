// Register layouts as data: the fields one schema version of a plugin saves.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "capstate/sdk/access.hpp"

namespace capstate {

/// What a presence condition tests.
enum class Test : std::uint8_t {
  always,          ///< always true (an unused slot)
  never,           ///< always false (a register that is never saved)
  value_in_set,    ///< (value & mask) >> shift is one of the values whose bit is set in `operand`
  value_at_least,  ///< (value & mask) >> shift >= operand
  any_bit_set,     ///< (value & mask) != 0
  equals,          ///< (value & mask) >> shift == operand (8-, 16- or 32-bit IDs such as a VSEC ID)
};

/// Where a presence condition takes the value it tests from.
enum class ValueSource : std::uint8_t {
  capability_register,  ///< a register of the capability read at save time (`offset`, `width`)
  capability_version,   ///< the version in the capability header (extended capabilities)
  saved_field,          ///< an earlier field of the same layout (`field`)
  header_register,      ///< a register of the configuration header (`offset` from 0x00, < 0x40)
  /// a register of another capability of the same function, in the standard list: the one whose
  /// ID is `capability_id` (`offset` from its start, `width`); reads 0 when the function has none
  /// (e.g. the PCI Express capability's Device/Port Type, to tell a root port)
  standard_capability_register,
};

/// One test that decides whether a field exists on a device.
struct Condition {
  Test test = Test::always;                               ///< the test to apply
  ValueSource source = ValueSource::capability_register;  ///< where the value comes from
  std::uint16_t offset = 0;   ///< capability_register: from the capability start; header_register:
                              ///< from the start of configuration space
  Width width = Width::word;  ///< capability_register and header_register: access width
  std::string_view field = {};      ///< saved_field: name of an earlier field
  std::uint32_t mask = 0xffffffff;  ///< bits of the value that are tested
  std::uint8_t shift = 0;           ///< right shift applied after masking
  std::uint32_t operand = 0;        ///< the set bitmap, minimum or value (see Test)
  std::uint8_t capability_id = 0;   ///< standard_capability_register: the capability's ID
};

/// Bitmap for Test::value_in_set naming the allowed values (each 0-31).
template <typename... V>
constexpr std::uint32_t value_set(V... values) {
  return ((std::uint32_t{1} << values) | ... | 0U);
}

/// A field exists when all of its conditions hold (unused slots are Test::always).
struct Presence {
  std::array<Condition, 3> all_of{};  ///< conditions, all of which must hold
};

/// One register (or part of one) that a schema version saves.
struct Field {
  std::string_view name;       ///< stable name, used by inspect, diff and ABI dumps
  std::uint16_t offset = 0;    ///< byte offset from the capability start
  Width width = Width::word;   ///< access width for save and restore
  std::uint32_t writable = 0;  ///< bits restore writes back
  std::uint32_t w1c = 0;       ///< write-1-to-clear bits: never written as 1 by restore
  std::uint32_t verify = 0;    ///< bits compared after restore
  Presence presence = {};      ///< when the device has this register
  std::uint16_t phase = 0;     ///< restore phase of this field; 0 = the plugin's phase
  /// Read-only bits that identify the capability (e.g. 64-bit capable, a table size): when the
  /// device holds other values in them, restore refuses the whole capability before any write.
  std::uint32_t must_match = 0;
  /// Bits a restore sequence may change on the way without restoring them (e.g. an Enable bit
  /// turned off while the address is written); a sequence write may touch writable and transient
  /// bits only.
  std::uint32_t transient = 0;
  /// How often restore writes the field again, 1 ms apart, while it does not read back as written
  /// (the kernel retries BARs 10 times); 0: written once.
  std::uint8_t retries = 0;
};

/// Where an array's element count comes from: ((field & mask) >> shift) + plus, or `constant`.
struct Count {
  std::string_view field = {};      ///< a field of the same layout; empty: use `constant`
  std::uint32_t mask = 0xffffffff;  ///< bits of the field that hold the count
  std::uint8_t shift = 0;           ///< right shift applied after masking
  std::uint32_t plus = 0;           ///< added last (e.g. 1 when the register holds count - 1)
  std::uint32_t constant = 0;       ///< the count when `field` is empty
  std::uint32_t max = 0;            ///< the most elements a record may hold (at most 65535)
};

/// The memory an array lives in.
enum class Space : std::uint8_t {
  config,  ///< configuration space, from the start of the capability
  bar,     ///< memory behind a BAR of the same function
};

/// Where an array's first element lies.
///
/// In configuration space without a `locator`, element 0 lies `offset` bytes from the capability
/// start. With a `locator` (a table whose place a register gives, e.g. the VC Arbitration Table
/// Offset), element 0 lies at `offset + (((locator & offset_mask) >> lowest set bit of
/// offset_mask) << unit_shift)` from the capability start; `bar_mask` is not used there. In BAR
/// memory, `locator & bar_mask` (shifted down) names the BAR and `locator & offset_mask` is the
/// offset in it.
struct Placement {
  Space space = Space::config;    ///< configuration space or BAR memory
  std::uint16_t offset = 0;       ///< config: offset of element 0 (or of the located offset)
                                  ///< from the capability start
  std::string_view locator = {};  ///< bar: a field of the layout holding BAR and offset; config:
                                  ///< empty, or a field holding the offset of element 0
  std::uint32_t bar_mask = 0x7;   ///< bar: bits of `locator` that give the BAR number (0-5)
  /// bar: bits of `locator` that give the offset in the BAR; config with a locator: bits that
  /// give the located offset (shifted down to bit 0, then counted in units of `unit_shift`)
  std::uint32_t offset_mask = ~0x7U;
  std::uint8_t unit_shift = 0;  ///< config with a locator: the located offset counts units of
                                ///< (1 << unit_shift) bytes
};

/// A group of fields repeated `count` times (a vector table, an arbitration table, BAR entries).
struct Array {
  std::string_view name;          ///< element values are named "<name>[i].<field>"
  std::string_view saved_name;    ///< name of the u8 value saying the elements were saved (0/1)
  std::string_view count_name;    ///< name of the u16 value holding the element count
  Count count = {};               ///< how many elements the device has
  Placement place = {};           ///< where element 0 lies
  std::uint32_t stride = 0;       ///< bytes from one element to the next
  std::span<const Field> fields;  ///< one element's fields, offsets from the element's start
  Presence presence = {};         ///< when the device has the array (conditions on fields only)
};

/// How the field values of a layout are laid out in a record's payload.
enum class Encoding : std::uint8_t {
  all_fields,      ///< every field at its width, little-endian; absent fields stored as 0
  present_fields,  ///< a 32-bit little-endian presence bitmap, then only present fields
};

/// The saved layout of one schema version of one plugin.
struct Layout {
  std::uint16_t schema_version = 0;              ///< the schema version this layout belongs to
  Encoding encoding = Encoding::present_fields;  ///< how field values are packed
  std::span<const Field> fields;                 ///< the fields, in payload order (at most 32)
  std::string_view extra = {};  ///< canonical description of plugin-coded bytes after the arrays
  std::span<const Array> arrays = {};  ///< arrays, stored after the fields in this order
  /// The fingerprint this schema carried before it was re-expressed as data with the same bytes
  /// (records carrying it decode as this layout; golden files prove the bytes); 0: none.
  std::uint64_t earlier_fingerprint = 0;
};

/// One field value saved by the generic engine.
struct SavedField {
  std::string_view name;    ///< the field's name in the layout
  std::uint32_t value = 0;  ///< value read from the device (0 when absent)
  bool present = false;     ///< whether the device has the register
};

}  // namespace capstate
