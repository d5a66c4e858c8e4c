// PCI function addresses (domain:bus:device.function) and pciutils-style selectors.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace capstate::core {

/// Thrown when an address, -s slot or -d ID filter text is malformed; what() quotes the text and
/// the expected form.
class AddressTextError : public std::invalid_argument {
 public:
  /// `text` is the text given; `message` the full explanation.
  AddressTextError(std::string_view text, const std::string& message)
      : std::invalid_argument(message), text_(text) {}

  /// The malformed text as given.
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

/// The address of one PCI function.
struct PciAddress {
  std::uint32_t domain = 0;   ///< PCI segment (0-0xffff; sysfs may show more digits)
  std::uint8_t bus = 0;       ///< bus number
  std::uint8_t device = 0;    ///< device number (0-31)
  std::uint8_t function = 0;  ///< function number (0-7)

  /// Canonical text "dddd:bb:dd.f" as sysfs names it.
  std::string str() const;
  /// Parses "[domain:]bus:dev.fn" (hex); nullopt when malformed or out of range.
  static std::optional<PciAddress> parse(std::string_view text);
  /// Like parse, but throws AddressTextError quoting the text and the expected form.
  static PciAddress from_text(std::string_view text);

  friend auto operator<=>(const PciAddress&, const PciAddress&) = default;
};

/// Which devices a command works on: pciutils' -s [[domain:]bus:][dev][.fn] and -d
/// [vendor]:[device].
struct Selector {
  std::optional<std::uint32_t> domain, bus, device, function;  ///< unset parts match anything
  std::optional<std::uint16_t> vendor_id, device_id;           ///< unset parts match anything

  /// Parses the -s form ("*" or empty parts are wildcards); throws AddressTextError.
  void parse_slot(std::string_view text);
  /// Parses the -d form "vendor:device" (hex, either may be empty or "*"); throws
  /// AddressTextError.
  void parse_ids(std::string_view text);
  /// Whether `a` matches the slot part.
  bool matches_address(const PciAddress& a) const;
  /// Whether the IDs match the -d part.
  bool matches_ids(std::uint16_t vendor, std::uint16_t device) const;
  /// Whether a -d part was given (so IDs must be read).
  bool needs_ids() const { return vendor_id.has_value() || device_id.has_value(); }
};

}  // namespace capstate::core
