// Walking a device's standard and extended capability lists.
//
// Accesses done by discover(), and nothing else (tests and benchmarks assert these counts):
//   - 1 x 16-bit read of Status (0x06);
//   - if Status has the capability-list bit (0x10):
//       1 x 8-bit read of the header type (0x0e);
//       if the header type (low 7 bits) is 0, 1 or 2: 1 x 8-bit read of the list pointer
//       (0x34, or 0x14 for type 2), then 1 x 16-bit read per standard entry visited, counting
//       an entry whose ID is 0xff (it ends the list but was read);
//   - if size() > 256: 1 x 32-bit read per extended header visited, starting at 0x100 and
//     counting a first header of 0 or 0xffffffff (no extended capabilities / no access).
// discover(config, header_type) does the same without the header type read: the caller has read
// byte 0x0e already (read_identity does), so a device's save reads it once.
// A pointer is never read when it is rejected (below the list start, out of range, already
// visited, or beyond the entry limit), so a broken list costs no extra access.
// No writes are ever done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/config_space.hpp"

namespace capstate::core {

/// The capabilities found on one device, plus warnings about broken lists.
struct DiscoveryResult {
  std::vector<Capability> capabilities;  ///< standard list first, then extended, in list order
  std::vector<std::string> warnings;  ///< each names the device and the offset where a list broke
};

/// Most entries followed in the standard list before giving up (the kernel's walk limit).
inline constexpr std::size_t kMaxStandardEntries = 48;
/// Most entries followed in the extended list: (4096 - 256) / 8, as the kernel bounds it.
inline constexpr std::size_t kMaxExtendedEntries = 480;

/// Walks both capability lists of `config` with loop and bounds guards; never throws for a
/// broken list (what was found is returned with a warning), only for failed accesses.
DiscoveryResult discover(ConfigSpace& config);

/// discover() with the header type byte (config 0x0e) the caller already read, so it is not
/// read again; the result is the same as discover(config) when `header_type` is the device's.
DiscoveryResult discover(ConfigSpace& config, std::uint8_t header_type);

}  // namespace capstate::core
