// Checks shared by the encoder and the decoder, so that whatever is written can be read back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "capstate/sdk/capability.hpp"
#include "util/pci_address.hpp"

namespace capstate::core::statefile_checks {

/// Problem with a string field (`what` names it), or nullopt: at most 255 bytes of printable ASCII,
/// non-empty unless `may_be_empty`.
std::optional<std::string> name_problem(std::string_view what, std::string_view value,
                                        bool may_be_empty);

/// Problem with a device address (device 0-31, function 0-7), or nullopt.
std::optional<std::string> address_problem(const PciAddress& address);

/// Problem with a class code (must fit in 24 bits), or nullopt.
std::optional<std::string> class_problem(std::uint32_t class_code);

/// Problem with a record's target in a file of `envelope_version`, or nullopt. Version 1 knows
/// kinds 0 (standard) and 1 (extended); version 2 adds 2 (header: ID 0, offset 0, version 0) and
/// 3 (region: ID 0, version 0, offset 0x40-0xfff and a multiple of 4). Capabilities need an ID
/// that fits their list and an offset in its range (standard 0x40-0xff, extended 0x100-0xfff),
/// a multiple of 4.
std::optional<std::string> capability_problem(const Capability& cap,
                                              std::uint16_t envelope_version);

/// "standard capability 0x10 at 0x040" (target_text), "header target at offset 0x0", "region at
/// offset 0x80", for messages; a header or region record names its ID when it is not 0.
std::string describe(const Capability& cap);

/// "capability instance" for a standard or extended capability, "target" for the header and
/// regions: what a section may hold only one record of, for duplicate messages.
std::string target_noun(const Capability& cap);

}  // namespace capstate::core::statefile_checks
