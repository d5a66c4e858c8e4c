// The canonical text of a layout and its fingerprint (what `capstate abi dump` prints).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "capstate/sdk/layout.hpp"

namespace capstate::core {

/// First line of every canonical layout text; bumped only if the text format itself changes.
inline constexpr std::string_view kLayoutTextTag = "capstate-layout 1";

/// The frozen, line-oriented description of one schema version of one plugin's layout.
///
/// Format (every line ends with '\n', hex digits are lowercase):
///   capstate-layout 1
///   plugin <name>
///   schema <decimal>
///   encoding all_fields|present_fields
///   fields <count>
///   field <name> offset=0x<4 hex> width=<8|16|32> writable=0x<8 hex> w1c=0x<8 hex>
///         verify=0x<8 hex> phase=<decimal> present=<presence>        (all on one line)
///   array <name> saved=<name> count=<name> from=<count> max=<n> at=<place> stride=<n>
///         present=<presence> elements=<n>                             (one line per array)
///   element <as a field line>                                         (one per element field)
///   earlier_fingerprint 0x<16 hex>                       (only when the layout declares one)
///   extra <description, or "none">
///   end
/// <presence> is "always", "never", or conditions joined by " and ", each as
/// "[(<source> & 0x<8 hex>) >> <shift> <test>]" with <source> one of "reg<bits>@0x<4 hex>",
/// "header<bits>@0x<4 hex>", "cap_version", "field:<name>" and <test> one of "in {v,...}",
/// ">= <n>", "!= 0", "== 0x<hex>". A field line ends with " must_match=0x<8 hex>" and
/// " transient=0x<8 hex>" only when those masks are set. <count> is a decimal constant or
/// "(field:<name> & 0x<8 hex>) >> <shift> + <plus>"; <place> is "config+0x<4 hex>" or
/// "bar(field:<name> bar&0x<8 hex> offset&0x<8 hex>)".
/// Test::always slots are omitted; a Test::never slot makes the whole presence "never".
std::string canonical_layout_text(std::string_view plugin, const Layout& layout);

/// CRC-64/XZ of canonical_layout_text(plugin, layout): the fingerprint stored in every record.
std::uint64_t layout_fingerprint(std::string_view plugin, const Layout& layout);

/// CRC-64/XZ of `bytes` (reflected polynomial 0x42F0E1EBA9EA3693, init and final XOR all ones;
/// check value 0x995dc9bbdf1939fa for "123456789"): the checksum behind every fingerprint.
std::uint64_t crc64_xz(std::string_view bytes);

/// Text of one presence rule as it appears after "present=" in the canonical text.
std::string presence_text(const Presence& presence);

/// Name of an encoding as it appears in the canonical text ("all_fields" / "present_fields").
std::string_view to_string(Encoding encoding);

}  // namespace capstate::core
