// The producer name and version capstate writes into state files and prints.
#pragma once

#include <string_view>

namespace capstate::core {

/// Name of this program as recorded in state files.
inline constexpr std::string_view kProducerName = "capstate";

/// Version of this build of capstate (the CMake project version).
std::string_view producer_version();

}  // namespace capstate::core
