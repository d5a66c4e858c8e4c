// Comparing and printing the ABI stamps of plugins and host.
#pragma once

#include <string>

#include "capstate/sdk/abi.hpp"

namespace capstate::core {

/// Display text of a stamp, e.g. "sdk-abi 1, gcc 12, libstdc++, sdk 0123456789abcdef".
std::string abi_stamp_text(const AbiStamp& stamp);

/// The fields in which `plugin` differs from `host`, "" when none does, e.g.
/// "sdk_abi_version plugin 999, host 1; compiler plugin clang, host gcc".
std::string abi_stamp_mismatch(const AbiStamp& plugin, const AbiStamp& host);

}  // namespace capstate::core
