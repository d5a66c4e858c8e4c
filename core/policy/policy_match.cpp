// device_matches() and effective(): which [[device]] rules apply to a device, and the result.
#include <fnmatch.h>

#include <cctype>

#include "policy/policy.hpp"

namespace capstate::core {
namespace {

// "8086:10d3": four hex digits, a colon, four hex digits.
bool is_id_pair(const std::string& match) {
  if (match.size() != 9 || match[4] != ':') {
    return false;
  }
  for (std::size_t i = 0; i < match.size(); ++i) {
    if (i != 4 && std::isxdigit(static_cast<unsigned char>(match[i])) == 0) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

template <class T>
void over(Setting<T>& target, const std::optional<Setting<T>>& value) {
  if (value) {
    target = *value;
  }
}

}  // namespace

void apply_rule(DevicePolicy& target, const DeviceRule& rule) {
  over(target.unhandled_capability, rule.unhandled_capability);
  over(target.newer_record, rule.newer_record);
  over(target.lossy_downgrade, rule.lossy_downgrade);
  over(target.identity, rule.identity);
  over(target.identity_subsystem, rule.identity_subsystem);
  over(target.verify, rule.verify);
  over(target.skip_capabilities, rule.skip_capabilities);
  over(target.plugin_failure, rule.plugin_failure);
  over(target.bar_mismatch, rule.bar_mismatch);
  over(target.bound_driver, rule.bound_driver);
  for (const auto& [key, value] : rule.plugin_options) {
    target.plugin_options[key] = value;
  }
}

bool device_matches(const std::string& match, const PciAddress& address, std::uint16_t vendor,
                    std::uint16_t device) {
  if (is_id_pair(match)) {
    return std::stoul(match.substr(0, 4), nullptr, 16) == vendor &&
           std::stoul(match.substr(5), nullptr, 16) == device;
  }
  const std::string pattern = lower(match);
  const std::string full = address.str();  // "0000:02:00.0"
  const std::size_t colon = full.find(':');
  const std::string short_form = full.substr(colon + 1);  // "02:00.0"
  return fnmatch(pattern.c_str(), full.c_str(), 0) == 0 ||
         fnmatch(pattern.c_str(), short_form.c_str(), 0) == 0;
}

DevicePolicy effective(const Policy& policy, const PciAddress& address, std::uint16_t vendor,
                       std::uint16_t device) {
  DevicePolicy out = policy.defaults;
  for (const DeviceRule& rule : policy.devices) {
    if (!device_matches(rule.match, address, vendor, device)) {
      continue;
    }
    apply_rule(out, rule);
  }
  return out;
}

}  // namespace capstate::core
