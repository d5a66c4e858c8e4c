#include "registry/abi_check.hpp"

#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

namespace capstate::core {
namespace {

// Text of a fixed-size char field that a foreign binary may not have terminated.
template <std::size_t N>
std::string_view field_text(const char (&text)[N]) {
  return {text, strnlen(text, N)};
}

void compare(std::vector<std::string>& out, std::string_view field, const std::string& plugin,
             const std::string& host) {
  if (plugin != host) {
    out.push_back(std::string(field) + " plugin " + plugin + ", host " + host);
  }
}

}  // namespace

std::string abi_stamp_text(const AbiStamp& stamp) {
  std::string text = "sdk-abi " + std::to_string(stamp.sdk_abi_version);
  text +=
      ", " + std::string(field_text(stamp.compiler)) + " " + std::to_string(stamp.compiler_major);
  text += ", " + std::string(field_text(stamp.stdlib));
  text += ", sdk " + std::string(field_text(stamp.sdk_hash));
  return text;
}

std::string abi_stamp_mismatch(const AbiStamp& plugin, const AbiStamp& host) {
  std::vector<std::string> diffs;
  compare(diffs, "sdk_abi_version", std::to_string(plugin.sdk_abi_version),
          std::to_string(host.sdk_abi_version));
  compare(diffs, "compiler", std::string(field_text(plugin.compiler)),
          std::string(field_text(host.compiler)));
  compare(diffs, "compiler_major", std::to_string(plugin.compiler_major),
          std::to_string(host.compiler_major));
  compare(diffs, "stdlib", std::string(field_text(plugin.stdlib)),
          std::string(field_text(host.stdlib)));
  compare(diffs, "sdk_hash", std::string(field_text(plugin.sdk_hash)),
          std::string(field_text(host.sdk_hash)));
  std::string text;
  for (const auto& d : diffs) {
    text += (text.empty() ? "" : "; ") + d;
  }
  return text;
}

}  // namespace capstate::core
