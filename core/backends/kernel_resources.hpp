// What the running kernel says about a sysfs device: its address assignment and bound driver.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "capstate/sdk/restore.hpp"

namespace capstate::core {

/// Parses the text of a sysfs `resource` file (one "0x<start> 0x<end> 0x<flags>" line per
/// resource); throws AccessError naming `path` and the line when a line is malformed.
std::vector<KernelResource> parse_kernel_resources(std::string_view text,
                                                   const std::filesystem::path& path);

/// The `resource` file of the device directory `dir`, parsed; empty when there is none.
std::vector<KernelResource> read_kernel_resources(const std::filesystem::path& dir);

/// The name of the driver bound to the device directory `dir` (its `driver` link); empty if none.
std::string read_bound_driver(const std::filesystem::path& dir);

}  // namespace capstate::core
