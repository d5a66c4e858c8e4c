// The in-memory form of a state file (.cst); see docs/state-file.md for the bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capstate/sdk/record.hpp"
#include "statefile/format.hpp"
#include "util/pci_address.hpp"

namespace capstate::core {

/// Who wrote a state file, when and where.
struct Envelope {
  /// Encoding version of the file: what decode_state found, and what encode_state writes (1 or
  /// kEnvelopeVersion; only version 2 holds claims and header or region records).
  std::uint16_t envelope_version = kEnvelopeVersion;
  std::string producer_name;      ///< e.g. "capstate"
  std::string producer_version;   ///< e.g. "0.1.0"
  std::int64_t created_unix = 0;  ///< creation time, seconds since the epoch (UTC)
  std::string kernel_release;     ///< uname -r of the saving host

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

/// The IDs that tell one device from another.
struct DeviceIdentity {
  std::uint16_t vendor_id = 0;            ///< config 0x00
  std::uint16_t device_id = 0;            ///< config 0x02
  std::uint16_t subsystem_vendor_id = 0;  ///< config 0x2c (type 0 headers)
  std::uint16_t subsystem_id = 0;         ///< config 0x2e (type 0 headers)
  std::uint32_t class_code = 0;           ///< 24-bit class, subclass, prog-if (config 0x09-0x0b)
  std::uint8_t revision = 0;              ///< config 0x08
  std::uint8_t header_type = 0;           ///< config 0x0e

  friend bool operator==(const DeviceIdentity&, const DeviceIdentity&) = default;
};

/// The saved state of one device.
struct DeviceSection {
  PciAddress address;           ///< where it was saved from
  DeviceIdentity identity;      ///< its IDs at save time
  std::vector<Record> records;  ///< one per saved target (capability, header or region)

  friend bool operator==(const DeviceSection&, const DeviceSection&) = default;
};

/// A whole state file.
struct StateFile {
  Envelope envelope;                   ///< producer and time
  std::vector<DeviceSection> devices;  ///< device sections in file order

  friend bool operator==(const StateFile&, const StateFile&) = default;
};

}  // namespace capstate::core
