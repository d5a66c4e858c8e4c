// Test support: lspci as an oracle. Reads lspci hex dumps, parses `lspci -vv` capability lines,
// and runs commands, so tests can compare capstate's view of a device with pciutils' view.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capstate/sdk/capability.hpp"

namespace capstate::test {

/// One device of an `lspci -x/-xxx/-xxxx` dump.
struct DumpDevice {
  std::string address;      ///< as lspci printed it, without a "0000:" domain (e.g. "00:1f.2")
  std::string description;  ///< the rest of the device line (class and name)
  std::vector<std::uint8_t> bytes;  ///< configuration space bytes from offset 0 (64, 256 or 4096)
};

/// Parses an lspci hex dump file; throws std::runtime_error naming file:line when malformed.
std::vector<DumpDevice> parse_lspci_dump(const std::filesystem::path& file);

/// Parses lspci hex dump text; `origin` names the source in error messages.
std::vector<DumpDevice> parse_lspci_dump_text(std::string_view text, const std::string& origin);

/// Writes `devices` in `lspci -xxxx` format, readable back with `lspci -F file`.
void write_lspci_dump(const std::filesystem::path& file, const std::vector<DumpDevice>& devices);

/// One "Capabilities: [..]" line of `lspci -vv`.
struct LspciCapability {
  CapKind kind = CapKind::standard;  ///< extended when the offset is 0x100 or above
  std::uint16_t offset = 0;          ///< the offset in brackets
  std::uint8_t version = 0;          ///< the " vN" in brackets (extended only, -vv); else 0
  std::optional<std::uint16_t> id;   ///< ID mapped from the printed name; nullopt if unknown
  std::string text;                  ///< everything lspci printed after "] "
};

/// Capability lines per device address (no "0000:" domain), in the order lspci printed them.
using LspciDevices = std::map<std::string, std::vector<LspciCapability>>;

/// Parses `lspci -vv` output; every device line starts an entry, even one without capabilities.
/// Lines such as "<chain looped>" or "<access denied>" are not capabilities and are skipped.
LspciDevices parse_lspci_vv(std::string_view text);

/// The capability ID lspci means by the name it printed (e.g. "MSI-X: Enable+ ..." -> 0x11),
/// or nullopt when the name is ambiguous or unknown to this map.
std::optional<std::uint16_t> lspci_capability_id(CapKind kind, std::string_view text);

/// Compares capabilities found by capstate with lspci's lines for the same device: same count
/// and order, same kind and offset; same ID where lspci's name maps to one; same version for
/// extended ones. Returns "" when equal, else a description of the first difference.
std::string compare_with_lspci(const std::vector<Capability>& found,
                               const std::vector<LspciCapability>& expected);

/// Runs `command` with /bin/sh and returns its standard output; throws std::runtime_error
/// (naming the command, its exit code and its stderr) when it cannot start or does not exit 0.
std::string run_command(const std::string& command);

/// Full path of an executable named `name` on $PATH or in /usr/sbin, /sbin; nullopt if none.
std::optional<std::string> find_program(std::string_view name);

/// `text` quoted for /bin/sh (single quotes, embedded quotes escaped).
std::string shell_quote(std::string_view text);

}  // namespace capstate::test
