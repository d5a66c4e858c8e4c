// capability_key() and parse_capability_key(): the names of capability types in policy.
#include <cstdio>

#include "registry/registry.hpp"

namespace capstate::core {

std::string capability_key(CapabilityId cap) {
  char text[32];
  if (cap.kind == CapKind::header || cap.kind == CapKind::region) {
    return std::string(to_string(cap.kind));
  }
  if (cap.kind == CapKind::standard) {
    std::snprintf(text, sizeof text, "standard:0x%02x", static_cast<unsigned>(cap.id));
  } else {
    std::snprintf(text, sizeof text, "extended:0x%04x", static_cast<unsigned>(cap.id));
  }
  return text;
}

std::optional<CapabilityId> parse_capability_key(std::string_view key) {
  CapabilityId cap;
  std::string_view digits;
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return out;
  };
  const std::string text = lower(key);
  const std::string_view view = text;
  if (view == "header" || view == "region") {
    return CapabilityId{view == "header" ? CapKind::header : CapKind::region, 0};
  }
  if (view.starts_with("standard:0x")) {
    cap.kind = CapKind::standard;
    digits = view.substr(11);
  } else if (view.starts_with("extended:0x")) {
    cap.kind = CapKind::extended;
    digits = view.substr(11);
  } else {
    return std::nullopt;
  }
  if (digits.empty() || digits.size() > 4) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (char c : digits) {
    unsigned d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + d;
  }
  if (cap.kind == CapKind::standard && value > 0xff) {
    return std::nullopt;
  }
  cap.id = static_cast<std::uint16_t>(value);
  return cap;
}

}  // namespace capstate::core
