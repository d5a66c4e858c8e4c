#include "statefile/validation.hpp"

#include <cstdio>

#include "statefile/format.hpp"

namespace capstate::core::statefile_checks {

std::string hex(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string address_text(const PciAddress& a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", static_cast<unsigned>(a.domain),
                static_cast<unsigned>(a.bus), static_cast<unsigned>(a.device),
                static_cast<unsigned>(a.function));
  return buf;
}

std::string describe(const Capability& cap) {
  std::string kind = cap.kind == CapKind::standard ? "standard"
                     : cap.kind == CapKind::extended
                         ? "extended"
                         : "kind-" + std::to_string(+static_cast<int>(cap.kind));
  return kind + " capability " + hex(cap.id) + " at offset " + hex(cap.offset);
}

std::optional<std::string> name_problem(std::string_view what, std::string_view value,
                                        bool may_be_empty) {
  if (value.empty() && !may_be_empty) {
    return std::string(what) + " is empty";
  }
  if (value.size() > format::kMaxNameLength) {
    return std::string(what) + " is " + std::to_string(value.size()) + " bytes long; at most " +
           std::to_string(format::kMaxNameLength) + " are allowed";
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c > 0x7e) {
      return std::string(what) + " has byte " + hex(c) + " at position " + std::to_string(i) +
             "; only printable ASCII (0x20-0x7e) is allowed";
    }
  }
  return std::nullopt;
}

std::optional<std::string> address_problem(const PciAddress& a) {
  if (a.device > 31) {
    return "device number " + hex(a.device) + " is out of range (0x0-0x1f)";
  }
  if (a.function > 7) {
    return "function number " + hex(a.function) + " is out of range (0x0-0x7)";
  }
  return std::nullopt;
}

std::optional<std::string> class_problem(std::uint32_t class_code) {
  if (class_code > 0xffffff) {
    return "class code " + hex(class_code) + " does not fit in 24 bits";
  }
  return std::nullopt;
}

std::optional<std::string> capability_problem(const Capability& cap) {
  if (cap.kind != CapKind::standard && cap.kind != CapKind::extended) {
    return "capability kind " + std::to_string(+static_cast<int>(cap.kind)) +
           " is neither 0 (standard) nor 1 (extended)";
  }
  if (cap.offset >= format::kConfigSpaceSize) {
    return describe(cap) + ": the offset is outside configuration space (0x0-0xfff)";
  }
  if (cap.offset % 4 != 0) {
    return describe(cap) +
           ": capability offsets are multiples of 4 (the low two bits of a capability pointer are "
           "reserved), so this record cannot describe a real capability";
  }
  if (cap.kind == CapKind::standard) {
    if (cap.id > 0xff) {
      return describe(cap) + ": standard capability IDs are 8 bits";
    }
    if (cap.offset < format::kMinStandardCapOffset || cap.offset >= format::kExtendedListStart) {
      return describe(cap) + ": standard capabilities live at offsets 0x40-0xff";
    }
  } else if (cap.offset < format::kExtendedListStart) {
    return describe(cap) + ": extended capabilities live at offsets 0x100-0xfff";
  }
  return std::nullopt;
}

}  // namespace capstate::core::statefile_checks
