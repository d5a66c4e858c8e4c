// Specificity, overlap, device matching and text of plugin claims.
#include "registry/claim_match.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/layout_text.hpp"
#include "registry/metadata_check.hpp"

namespace capstate::core {
namespace {

bool list_matches(std::span<const std::uint16_t> list, std::uint16_t value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool lists_meet(std::span<const std::uint16_t> a, std::span<const std::uint16_t> b) {
  return a.empty() || b.empty() || std::any_of(a.begin(), a.end(), [&](std::uint16_t v) {
           return std::find(b.begin(), b.end(), v) != b.end();
         });
}

bool narrowed_revision(const DeviceMatch& m) {
  return m.revision_min != 0 || m.revision_max != 0xff;
}

std::string list_text(std::string_view what, std::span<const std::uint16_t> list) {
  std::string out(what);
  for (std::size_t i = 0; i < list.size(); ++i) {
    out += fmt::format("{}0x{:04x}", i == 0 ? " " : "|", list[i]);
  }
  return out;
}

}  // namespace

std::size_t claim_specificity(const Claim& claim) {
  const DeviceMatch& m = claim.device;
  std::size_t n = 0;
  n += m.vendors.empty() ? 0 : 1;
  n += m.devices.empty() ? 0 : 1;
  n += m.subsystem_vendors.empty() ? 0 : 1;
  n += m.subsystems.empty() ? 0 : 1;
  n += m.class_mask == 0 ? 0 : 1;
  n += narrowed_revision(m) ? 1 : 0;
  for (const Condition& c : claim.when) {
    n += c.test == Test::always ? 0 : 1;
  }
  return n;
}

bool claims_may_overlap(const Claim& a, const Claim& b) {
  if (a.kind != b.kind || a.id != b.id) {
    return false;
  }
  if (a.kind == CapKind::region && (a.region_offset + a.region_size <= b.region_offset ||
                                    b.region_offset + b.region_size <= a.region_offset)) {
    return false;
  }
  const DeviceMatch& x = a.device;
  const DeviceMatch& y = b.device;
  if (!lists_meet(x.vendors, y.vendors) || !lists_meet(x.devices, y.devices) ||
      !lists_meet(x.subsystem_vendors, y.subsystem_vendors) ||
      !lists_meet(x.subsystems, y.subsystems)) {
    return false;
  }
  const std::uint32_t common = x.class_mask & y.class_mask;
  if ((x.class_code & common) != (y.class_code & common)) {
    return false;
  }
  if (x.revision_max < y.revision_min || y.revision_max < x.revision_min) {
    return false;
  }
  return !presences_exclusive(Presence{a.when}, Presence{b.when});
}

bool device_matches(const DeviceMatch& match, const DeviceIdentity& identity) {
  const bool type0 = (identity.header_type & 0x7f) == 0;
  if (!list_matches(match.vendors, identity.vendor_id) ||
      !list_matches(match.devices, identity.device_id)) {
    return false;
  }
  // Subsystem IDs exist in type 0 headers only; a claim on them never takes a bridge.
  if ((!match.subsystem_vendors.empty() || !match.subsystems.empty()) &&
      (!type0 || !list_matches(match.subsystem_vendors, identity.subsystem_vendor_id) ||
       !list_matches(match.subsystems, identity.subsystem_id))) {
    return false;
  }
  if ((identity.class_code & match.class_mask) != (match.class_code & match.class_mask)) {
    return false;
  }
  return identity.revision >= match.revision_min && identity.revision <= match.revision_max;
}

std::string claim_text(const Claim& claim) {
  const DeviceMatch& m = claim.device;
  std::vector<std::string> parts;
  if (!m.vendors.empty()) {
    parts.push_back(list_text("vendor", m.vendors));
  }
  if (!m.devices.empty()) {
    parts.push_back(list_text("device", m.devices));
  }
  if (!m.subsystem_vendors.empty()) {
    parts.push_back(list_text("subsystem vendor", m.subsystem_vendors));
  }
  if (!m.subsystems.empty()) {
    parts.push_back(list_text("subsystem", m.subsystems));
  }
  if (m.class_mask != 0) {
    parts.push_back(fmt::format("class 0x{:06x}/0x{:06x}", m.class_code, m.class_mask));
  }
  if (narrowed_revision(m)) {
    parts.push_back(fmt::format("revision 0x{:02x}-0x{:02x}", m.revision_min, m.revision_max));
  }
  const bool any_condition = std::any_of(claim.when.begin(), claim.when.end(),
                                         [](const Condition& c) { return c.test != Test::always; });
  if (any_condition) {
    parts.push_back(presence_text(Presence{claim.when}));
  }
  std::string out;
  for (const std::string& p : parts) {
    out += (out.empty() ? "" : ", ") + p;
  }
  return out;
}

}  // namespace capstate::core
