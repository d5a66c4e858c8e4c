// libFuzzer target: the policy loader (merge_policy_text) over the built-in defaults, then the
// `config show` text and JSON of what it accepted. In memory only.
#include <cstddef>
#include <cstdint>
#include <string>

#include "policy/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace capstate::core;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Policy policy = default_policy();
  try {
    merge_policy_text(policy, text, "fuzz.toml");
  } catch (const PolicyError&) {
    return 0;
  }
  (void)policy_to_text(policy);
  (void)policy_to_json(policy);
  // Per-device settings for a device every rule could match.
  (void)effective(policy, PciAddress{}, 0x8086, 0x10d3);
  return 0;
}
