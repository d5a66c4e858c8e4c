// Checks shared by the encoder and the decoder, so that whatever is written can be read back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backends/pci_address.hpp"
#include "capstate/sdk/capability.hpp"

namespace capstate::core::statefile_checks {

/// Problem with a string field (`what` names it), or nullopt: at most 255 bytes of printable ASCII,
/// non-empty unless `may_be_empty`.
std::optional<std::string> name_problem(std::string_view what, std::string_view value,
                                        bool may_be_empty);

/// Problem with a device address (device 0-31, function 0-7), or nullopt.
std::optional<std::string> address_problem(const PciAddress& address);

/// Problem with a class code (must fit in 24 bits), or nullopt.
std::optional<std::string> class_problem(std::uint32_t class_code);

/// Problem with a record's capability (kind, ID width, offset range for its list), or nullopt.
std::optional<std::string> capability_problem(const Capability& cap);

/// "standard capability 0x10 at offset 0x40", for messages.
std::string describe(const Capability& cap);

/// "0x1a4": lower-case hex with a 0x prefix, for messages.
std::string hex(std::uint64_t value);

/// "0000:01:00.0", for messages.
std::string address_text(const PciAddress& address);

}  // namespace capstate::core::statefile_checks
