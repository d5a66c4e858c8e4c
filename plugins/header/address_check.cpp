// The address decoding behind BAR safety: what data cannot say, so it is code.
#include "address_check.hpp"

#include <cstdio>

namespace capstate::header {
namespace {

constexpr std::uint32_t kIoSpace = 0x1;         // BAR bit 0: I/O space
constexpr std::uint32_t kMemType = 0x6;         // BAR bits 2:1: memory type
constexpr std::uint32_t kMemType64 = 0x4;       // 64-bit memory BAR
constexpr std::uint32_t kIoAddress = ~0x3U;     // I/O BAR address bits
constexpr std::uint32_t kMemAddress = ~0xfU;    // memory BAR address bits
constexpr std::uint32_t kRomAddress = ~0x7ffU;  // ROM BAR address bits
constexpr std::size_t kRomResource = 6;         // the ROM's line in the kernel's list
constexpr std::size_t kBridgeWindows = 4;       // window lines at the end of a bridge's list
constexpr std::uint64_t kIoResourceUnset = 0x20000000;  // IORESOURCE_UNSET

std::string hex(std::uint64_t v) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

std::uint32_t value_or_zero(std::span<const SavedField> fields, std::string_view name) {
  return saved_if_present(fields, name).value_or(0);
}

void add_window(std::vector<SavedRange>& out, std::span<const SavedField> fields,
                std::size_t resource_lines) {
  const std::size_t first = resource_lines - kBridgeWindows;
  if (const auto io = saved_if_present(fields, "io_base_limit")) {
    const std::uint32_t upper = value_or_zero(fields, "io_upper");
    const bool wide = (*io & 0x0f) == 0x01;  // 32-bit I/O addressing
    SavedRange r{.kind = RangeKind::io_window,
                 .label = "I/O window",
                 .fields = {"io_base_limit", "io_upper"},
                 .resource = first};
    r.start = (std::uint64_t{*io & 0xf0} << 8) | (wide ? std::uint64_t{upper & 0xffff} << 16 : 0);
    r.end = (std::uint64_t{*io & 0xf000}) | 0xfff | (wide ? std::uint64_t{upper >> 16} << 16 : 0);
    r.enabled = r.start <= r.end;
    out.push_back(r);
  }
  if (const auto mem = saved_if_present(fields, "memory_base_limit")) {
    SavedRange r{.kind = RangeKind::memory_window,
                 .label = "memory window",
                 .fields = {"memory_base_limit"},
                 .resource = first + 1};
    r.start = std::uint64_t{*mem & 0xfff0} << 16;
    r.end = (std::uint64_t{(*mem >> 16) & 0xfff0} << 16) | 0xfffff;
    r.enabled = r.start <= r.end;
    out.push_back(r);
  }
  if (const auto pref = saved_if_present(fields, "prefetchable_base_limit")) {
    const bool wide = (*pref & 0x0f) == 0x01;  // 64-bit prefetchable window
    SavedRange r{.kind = RangeKind::prefetchable_window,
                 .label = "prefetchable window",
                 .fields = {"prefetchable_base_limit", "prefetchable_base_upper",
                            "prefetchable_limit_upper"},
                 .resource = first + 2};
    r.start = std::uint64_t{*pref & 0xfff0} << 16;
    r.end = (std::uint64_t{(*pref >> 16) & 0xfff0} << 16) | 0xfffff;
    if (wide) {
      r.start |= std::uint64_t{value_or_zero(fields, "prefetchable_base_upper")} << 32;
      r.end |= std::uint64_t{value_or_zero(fields, "prefetchable_limit_upper")} << 32;
    }
    r.enabled = r.start <= r.end;
    out.push_back(r);
  }
}

}  // namespace

std::optional<std::uint32_t> saved_if_present(std::span<const SavedField> fields,
                                              std::string_view name) {
  for (const SavedField& f : fields) {
    if (f.name == name && f.present) {
      return f.value;
    }
  }
  return std::nullopt;
}

bool assigned(const KernelResource& resource) {
  return resource.flags != 0 && (resource.flags & kIoResourceUnset) == 0 &&
         !(resource.start == 0 && resource.end == 0);
}

std::vector<SavedRange> saved_ranges(std::span<const SavedField> fields,
                                     std::size_t resource_lines) {
  static constexpr std::string_view kBars[] = {"bar0", "bar1", "bar2", "bar3", "bar4", "bar5"};
  std::vector<SavedRange> out;
  for (std::size_t i = 0; i < 6; ++i) {
    const auto v = saved_if_present(fields, kBars[i]);
    if (!v) {
      continue;
    }
    SavedRange r{.label = "BAR " + std::to_string(i), .fields = {kBars[i]}, .resource = i};
    if ((*v & kIoSpace) != 0) {
      r.kind = RangeKind::io_bar;
      r.start = *v & kIoAddress;
    } else if ((*v & kMemType) == kMemType64 && i + 1 < 6 &&
               saved_if_present(fields, kBars[i + 1])) {
      r.kind = RangeKind::memory_bar64;
      r.fields.push_back(kBars[i + 1]);
      r.start = (*v & kMemAddress) | (std::uint64_t{*saved_if_present(fields, kBars[i + 1])} << 32);
      ++i;
    } else {
      r.kind = RangeKind::memory_bar;
      r.start = *v & kMemAddress;
    }
    out.push_back(std::move(r));
  }
  for (const std::string_view rom : {std::string_view("rom"), std::string_view("rom_bridge")}) {
    if (const auto v = saved_if_present(fields, rom)) {
      out.push_back({.kind = RangeKind::rom,
                     .label = "Expansion ROM",
                     .fields = {rom},
                     .resource = kRomResource,
                     .start = *v & kRomAddress});
    }
  }
  // A bridge's list ends with its windows (after the SR-IOV lines when the kernel has them).
  if (saved_if_present(fields, "bus_numbers") &&
      resource_lines >= kRomResource + 1 + kBridgeWindows) {
    add_window(out, fields, resource_lines);
  }
  return out;
}

bool kernel_agrees(const SavedRange& range, const KernelResource& resource) {
  switch (range.kind) {
    case RangeKind::io_window:
    case RangeKind::memory_window:
    case RangeKind::prefetchable_window:
      // A disabled window decodes nothing, wherever the kernel has (or has not) placed it.
      return !range.enabled ||
             (assigned(resource) && resource.start == range.start && resource.end == range.end);
    default:
      return assigned(resource) ? resource.start == range.start : range.start == 0;
  }
}

std::vector<FieldValue> kernel_values(const SavedRange& range, const KernelResource& resource,
                                      std::span<const SavedField> fields) {
  const bool has = assigned(resource);
  const std::uint64_t start = resource.start;
  const std::uint64_t end = resource.end;
  const std::uint32_t first = value_or_zero(fields, range.fields[0]);
  switch (range.kind) {
    case RangeKind::io_bar:
      return has ? std::vector<FieldValue>{{range.fields[0],
                                            (first & ~kIoAddress) |
                                                (static_cast<std::uint32_t>(start) & kIoAddress)}}
                 : std::vector<FieldValue>{};
    case RangeKind::memory_bar:
      return has ? std::vector<FieldValue>{{range.fields[0],
                                            (first & ~kMemAddress) |
                                                (static_cast<std::uint32_t>(start) & kMemAddress)}}
                 : std::vector<FieldValue>{};
    case RangeKind::memory_bar64:
      return has ? std::vector<FieldValue>{{range.fields[1],
                                            static_cast<std::uint32_t>(start >> 32)},
                                           {range.fields[0],
                                            (first & ~kMemAddress) |
                                                (static_cast<std::uint32_t>(start) & kMemAddress)}}
                 : std::vector<FieldValue>{};
    case RangeKind::rom:
      return has ? std::vector<FieldValue>{{range.fields[0],
                                            (first & ~kRomAddress) |
                                                (static_cast<std::uint32_t>(start) & kRomAddress)}}
                 : std::vector<FieldValue>{};
    case RangeKind::io_window:
      if (!has) {
        return {{"io_base_limit", 0x00f0}, {"io_upper", 0}};
      }
      return {{"io_base_limit", static_cast<std::uint32_t>(((start >> 8) & 0xf0) | (end & 0xf000))},
              {"io_upper", static_cast<std::uint32_t>(((start >> 16) & 0xffff) |
                                                      (((end >> 16) & 0xffff) << 16))}};
    case RangeKind::memory_window:
      if (!has) {
        return {{"memory_base_limit", 0x0000fff0}};
      }
      return {{"memory_base_limit", static_cast<std::uint32_t>(((start >> 16) & 0xfff0) |
                                                               (((end >> 16) & 0xfff0) << 16))}};
    case RangeKind::prefetchable_window:
      if (!has) {
        return {{"prefetchable_base_limit", 0x0000fff0},
                {"prefetchable_base_upper", 0},
                {"prefetchable_limit_upper", 0}};
      }
      return {
          {"prefetchable_base_limit",
           static_cast<std::uint32_t>(((start >> 16) & 0xfff0) | (((end >> 16) & 0xfff0) << 16))},
          {"prefetchable_base_upper", static_cast<std::uint32_t>(start >> 32)},
          {"prefetchable_limit_upper", static_cast<std::uint32_t>(end >> 32)}};
  }
  return {};
}

std::string mismatch_text(const SavedRange& range, const KernelResource& resource) {
  std::string saved = hex(range.start);
  if (range.kind == RangeKind::io_window || range.kind == RangeKind::memory_window ||
      range.kind == RangeKind::prefetchable_window) {
    saved += "-" + hex(range.end);
  }
  const std::string kernel =
      assigned(resource) ? hex(resource.start) + "-" + hex(resource.end) : "nothing (unassigned)";
  std::string fields;
  for (const std::string_view f : range.fields) {
    fields += (fields.empty() ? "" : ", ") + std::string(f);
  }
  return range.label + " (" + fields + ") was saved at " + saved +
         ", but the running kernel has assigned it " + kernel + " (line " +
         std::to_string(range.resource) +
         " of sysfs resource): the device was moved after the save (a reboot, kexec or rescan), "
         "and the saved address could collide with another device. Save the device again, or set "
         "bar_mismatch = \"kernel\" to write the kernel's assignment";
}

}  // namespace capstate::header
