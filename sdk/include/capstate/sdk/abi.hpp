// The ABI stamp a plugin exports so the host can refuse one built differently.
#pragma once

#include <cstdint>

#include "capstate/sdk/sdk_fingerprint.hpp"

namespace capstate {

/// Version of the plugin ABI; bumped whenever an SDK type or virtual function changes.
inline constexpr std::uint32_t kSdkAbiVersion = 5;

#if defined(__clang__)
#define CAPSTATE_COMPILER_FAMILY "clang"
#define CAPSTATE_COMPILER_MAJOR __clang_major__
#elif defined(__GNUC__)
#define CAPSTATE_COMPILER_FAMILY "gcc"
#define CAPSTATE_COMPILER_MAJOR __GNUC__
#else
#define CAPSTATE_COMPILER_FAMILY "unknown"
#define CAPSTATE_COMPILER_MAJOR 0
#endif

#if defined(_LIBCPP_VERSION)
#define CAPSTATE_STDLIB_NAME "libc++"
#elif defined(__GLIBCXX__)
#define CAPSTATE_STDLIB_NAME "libstdc++"
#else
#define CAPSTATE_STDLIB_NAME "unknown"
#endif

/// Build fingerprint of a plugin or host, compared field by field when a plugin loads.
struct AbiStamp {
  std::uint32_t sdk_abi_version;  ///< kSdkAbiVersion the binary was built with
  char compiler[16];              ///< compiler family: "gcc" or "clang"
  std::uint32_t compiler_major;   ///< compiler major version
  char stdlib[16];                ///< C++ standard library: "libstdc++" or "libc++"
  char sdk_hash[24];              ///< hash of the SDK headers the binary was built against
};

/// The stamp of the code being compiled right now (host or plugin).
constexpr AbiStamp current_abi_stamp() {
  return AbiStamp{kSdkAbiVersion, CAPSTATE_COMPILER_FAMILY, CAPSTATE_COMPILER_MAJOR,
                  CAPSTATE_STDLIB_NAME, CAPSTATE_SDK_HEADER_HASH};
}

}  // namespace capstate
