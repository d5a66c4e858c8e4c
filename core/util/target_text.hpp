// How messages name a target of a device: a capability, the configuration header or a region.
#pragma once

#include <string>

#include "capstate/sdk/capability.hpp"

namespace capstate::core {

/// "standard capability 0x10 at 0x040", "extended capability 0x000b at 0x100", "configuration
/// header", "region at 0x040": how messages name a target.
std::string target_text(const Capability& target);

}  // namespace capstate::core
