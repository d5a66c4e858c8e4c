// The TOML and JSON text forms of a decoded state file (capstate inspect / assemble).
#pragma once

#include <string>
#include <string_view>

#include "statetext/state_view.hpp"

namespace capstate::core {

/// TOML text of `view`, fields in layout order, numbers in hex.
std::string state_to_toml(const StateView& view);
/// JSON text of `view`: one object with "envelope" and "devices"; numbers as JSON numbers.
std::string state_to_json(const StateView& view);
/// Parses the TOML that state_to_toml writes; errors name `source`, line and column.
StateView state_from_toml(std::string_view text, std::string_view source);

}  // namespace capstate::core
