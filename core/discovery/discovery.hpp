// Walking a device's standard and extended capability lists.
#pragma once

#include <string>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/config_space.hpp"

namespace capstate::core {

/// The capabilities found on one device, plus warnings about broken lists.
struct DiscoveryResult {
  std::vector<Capability> capabilities;  ///< standard list first, then extended, in list order
  std::vector<std::string> warnings;     ///< each names the device and the offset where a list broke
};

/// Walks both capability lists of `config` with loop and bounds guards; never throws for a
/// broken list (what was found is returned with a warning), only for failed accesses.
DiscoveryResult discover(ConfigSpace& config);

}  // namespace capstate::core
