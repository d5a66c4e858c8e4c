// PciAddress text form and the pciutils-style -s / -d selectors.
#include "util/pci_address.hpp"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "util/hex.hpp"

namespace capstate::core {
namespace {

/// Parses `s` as unsigned hex of at most 8 digits; nullopt when empty, too long or not hex.
std::optional<std::uint32_t> hex_value(std::string_view s) {
  return parse_hex_digits(s, 8);
}

/// Splits `text` at every `sep`.
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

constexpr const char* kSlotForm =
    "expected [[domain:]bus:][device][.function] in hex, e.g. 00:1f.2 or 0000:01:00 "
    "(empty parts and * match anything)";
constexpr const char* kIdsForm =
    "expected [vendor]:[device] in hex, e.g. 8086:10d3 or 1af4: (empty parts and * match "
    "anything)";

/// One part of a selector: empty or "*" is a wildcard, otherwise hex no larger than `max`.
std::optional<std::uint32_t> selector_part(std::string_view whole, std::string_view part,
                                           const char* name, std::uint32_t max, const char* form,
                                           const char* kind) {
  if (part.empty() || part == "*") {
    return std::nullopt;
  }
  const auto v = hex_value(part);
  const std::string prefix = std::string("invalid ") + kind + " \"" + std::string(whole) + "\": ";
  if (!v) {
    throw AddressTextError(whole, prefix + name + " \"" + std::string(part) +
                                      "\" is not a hexadecimal number; " + form);
  }
  if (*v > max) {
    throw AddressTextError(whole, prefix + name + " " + hex(*v) + " is out of range (0-" +
                                      hex_digits(max) + "); " + form);
  }
  return v;
}

}  // namespace

std::string PciAddress::str() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", static_cast<unsigned>(domain),
                static_cast<unsigned>(bus), static_cast<unsigned>(device),
                static_cast<unsigned>(function));
  return buf;
}

std::optional<PciAddress> PciAddress::parse(std::string_view text) {
  const auto colon_parts = split(text, ':');
  if (colon_parts.size() != 2 && colon_parts.size() != 3) {
    return std::nullopt;
  }
  const bool has_domain = colon_parts.size() == 3;
  const auto dev_fn = split(colon_parts.back(), '.');
  if (dev_fn.size() != 2) {
    return std::nullopt;
  }
  const auto domain = has_domain ? hex_value(colon_parts[0]) : std::optional<std::uint32_t>(0);
  const auto bus = hex_value(colon_parts[has_domain ? 1 : 0]);
  const auto dev = hex_value(dev_fn[0]);
  const auto fn = hex_value(dev_fn[1]);
  if (!domain || !bus || !dev || !fn || *bus > 0xff || *dev > 0x1f || *fn > 7) {
    return std::nullopt;
  }
  PciAddress a;
  a.domain = *domain;
  a.bus = static_cast<std::uint8_t>(*bus);
  a.device = static_cast<std::uint8_t>(*dev);
  a.function = static_cast<std::uint8_t>(*fn);
  return a;
}

PciAddress PciAddress::from_text(std::string_view text) {
  if (auto a = parse(text)) {
    return *a;
  }
  throw AddressTextError(text, "invalid PCI address \"" + std::string(text) +
                                   "\": expected [domain:]bus:device.function in hex (bus 0-ff, "
                                   "device 0-1f, function 0-7), e.g. 0000:00:1f.2 or 01:00.0");
}

void Selector::parse_slot(std::string_view text) {
  const auto colon_parts = split(text, ':');
  if (colon_parts.size() > 3) {
    throw AddressTextError(
        text, "invalid slot \"" + std::string(text) + "\": too many ':'; " + kSlotForm);
  }
  const auto dev_fn = split(colon_parts.back(), '.');
  if (dev_fn.size() > 2) {
    throw AddressTextError(
        text, "invalid slot \"" + std::string(text) + "\": too many '.'; " + kSlotForm);
  }
  std::optional<std::uint32_t> new_domain, new_bus, new_function;
  if (colon_parts.size() == 3) {
    new_domain = selector_part(text, colon_parts[0], "domain", 0xffffffffU, kSlotForm, "slot");
  }
  if (colon_parts.size() >= 2) {
    new_bus =
        selector_part(text, colon_parts[colon_parts.size() - 2], "bus", 0xff, kSlotForm, "slot");
  }
  const auto new_device = selector_part(text, dev_fn[0], "device", 0x1f, kSlotForm, "slot");
  if (dev_fn.size() == 2) {
    new_function = selector_part(text, dev_fn[1], "function", 7, kSlotForm, "slot");
  }
  domain = new_domain;
  bus = new_bus;
  device = new_device;
  function = new_function;
}

void Selector::parse_ids(std::string_view text) {
  const auto parts = split(text, ':');
  if (parts.size() != 2) {
    throw AddressTextError(
        text, "invalid ID filter \"" + std::string(text) +
                  "\": " + (parts.size() < 2 ? "missing ':'; " : "too many ':'; ") + kIdsForm);
  }
  const auto v = selector_part(text, parts[0], "vendor", 0xffff, kIdsForm, "ID filter");
  const auto d = selector_part(text, parts[1], "device", 0xffff, kIdsForm, "ID filter");
  vendor_id.reset();
  device_id.reset();
  if (v) {
    vendor_id = static_cast<std::uint16_t>(*v);
  }
  if (d) {
    device_id = static_cast<std::uint16_t>(*d);
  }
}

bool Selector::matches_address(const PciAddress& a) const {
  return (!domain || *domain == a.domain) && (!bus || *bus == a.bus) &&
         (!device || *device == a.device) && (!function || *function == a.function);
}

bool Selector::matches_ids(std::uint16_t vendor, std::uint16_t dev) const {
  return (!vendor_id || *vendor_id == vendor) && (!device_id || *device_id == dev);
}

}  // namespace capstate::core
