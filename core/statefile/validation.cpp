#include "statefile/validation.hpp"

#include "statefile/format.hpp"
#include "util/hex.hpp"
#include "util/target_text.hpp"

namespace capstate::core::statefile_checks {

std::string describe(const Capability& cap) {
  const std::string id = cap.id == 0 ? "" : " (ID " + hex(cap.id) + ")";
  switch (cap.kind) {
    case CapKind::standard:
    case CapKind::extended:
      return target_text(cap);
    case CapKind::header:
      return "header target" + id + " at offset " + hex(cap.offset);
    case CapKind::region:
      return "region" + id + " at offset " + hex(cap.offset);
  }
  return "kind-" + std::to_string(+static_cast<int>(cap.kind)) + " capability " + hex(cap.id) +
         " at offset " + hex(cap.offset);
}

std::string target_noun(const Capability& cap) {
  return cap.kind == CapKind::standard || cap.kind == CapKind::extended ? "capability instance"
                                                                        : "target";
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

namespace {

/// Problem with a header or region target (ID 0, version 0, the offset rule of its kind).
std::optional<std::string> target_problem(const Capability& cap) {
  const bool header = cap.kind == CapKind::header;
  const std::string what = header ? "a header record" : "a region record";
  if (cap.id != 0) {
    return describe(cap) + ": " + what + " has ID 0";
  }
  if (cap.version != 0) {
    return describe(cap) + ": " + what + " has version 0, not " + std::to_string(cap.version);
  }
  if (header) {
    if (cap.offset != 0) {
      return describe(cap) +
             ": a header record has offset 0 (it covers the configuration header, 0x0-0x3f)";
    }
    return std::nullopt;
  }
  if (cap.offset >= format::kConfigSpaceSize) {
    return describe(cap) + ": the offset is outside configuration space (0x0-0xfff)";
  }
  if (cap.offset < format::kMinRegionOffset) {
    return describe(cap) +
           ": regions start at offsets 0x40-0xfff (the configuration header below 0x40 is saved "
           "as a header record)";
  }
  if (cap.offset % 4 != 0) {
    return describe(cap) + ": region offsets are multiples of 4 (a region starts on a dword)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> capability_problem(const Capability& cap,
                                              std::uint16_t envelope_version) {
  const auto kind = static_cast<int>(cap.kind);
  if (envelope_version < 2 && cap.kind != CapKind::standard && cap.kind != CapKind::extended) {
    std::string problem =
        "capability kind " + std::to_string(kind) + " is neither 0 (standard) nor 1 (extended)";
    if (cap.kind == CapKind::header || cap.kind == CapKind::region) {
      problem += "; kind " + std::to_string(kind) + " (" + std::string(to_string(cap.kind)) +
                 ") exists only from envelope version 2 on, and this file is version " +
                 std::to_string(envelope_version);
    }
    return problem;
  }
  if (cap.kind == CapKind::header || cap.kind == CapKind::region) {
    return target_problem(cap);
  }
  if (cap.kind != CapKind::standard && cap.kind != CapKind::extended) {
    return "capability kind " + std::to_string(kind) +
           " is none of 0 (standard), 1 (extended), 2 (header) and 3 (region)";
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
