// Saved BARs, ROM BAR and bridge windows compared with the running kernel's address assignment.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capstate/sdk/restore.hpp"

namespace capstate::header {

/// What kind of address range a set of header fields holds.
enum class RangeKind : std::uint8_t {
  io_bar,               ///< an I/O BAR
  memory_bar,           ///< a 32-bit memory BAR
  memory_bar64,         ///< a 64-bit memory BAR (two fields: low, high)
  rom,                  ///< the Expansion ROM BAR
  io_window,            ///< a bridge's I/O window (io_base_limit, io_upper)
  memory_window,        ///< a bridge's memory window (memory_base_limit)
  prefetchable_window,  ///< a bridge's prefetchable window (base_limit, base_upper, limit_upper)
};

/// One address range as saved, and the line of sysfs `resource` the kernel keeps it in.
struct SavedRange {
  RangeKind kind = RangeKind::memory_bar;  ///< what it is
  std::string label;                       ///< "BAR 2", "Expansion ROM", "memory window"
  std::vector<std::string_view> fields;    ///< the header fields that hold it
  std::size_t resource = 0;                ///< its line in the kernel's resource list
  std::uint64_t start = 0;                 ///< saved first address
  std::uint64_t end = 0;                   ///< saved last address (windows only)
  bool enabled = true;                     ///< windows: base <= limit
};

/// The saved value of field `name`; nullopt when the device lacked it or the layout has none.
std::optional<std::uint32_t> saved_if_present(std::span<const SavedField> fields,
                                              std::string_view name);

/// The address ranges the saved header holds: BARs (a 64-bit BAR once), the ROM BAR and, for a
/// bridge whose resource list has the four window lines at its end, the three windows.
std::vector<SavedRange> saved_ranges(std::span<const SavedField> fields,
                                     std::size_t resource_lines);

/// Whether the kernel's resource holds the saved range (a disabled saved window always does).
bool kernel_agrees(const SavedRange& range, const KernelResource& resource);

/// Whether the kernel has assigned the resource at all.
bool assigned(const KernelResource& resource);

/// One field value that writes the kernel's assignment instead of the saved one.
struct FieldValue {
  std::string_view field;   ///< the header field
  std::uint32_t value = 0;  ///< the value for its writable bits
};

/// The field values that program `resource` into `range`'s registers (keeping the saved type
/// bits); an unassigned resource gives a disabled window, and nothing for a BAR or ROM.
std::vector<FieldValue> kernel_values(const SavedRange& range, const KernelResource& resource,
                                      std::span<const SavedField> fields);

/// The refusal text for a range the kernel placed elsewhere.
std::string mismatch_text(const SavedRange& range, const KernelResource& resource);

}  // namespace capstate::header
