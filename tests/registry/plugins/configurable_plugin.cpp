// One source for every test plugin library; each CMake target picks a case with -D options:
//   TP_NAME "good"            plugin name             TP_CAP_KIND / TP_CAP_ID   first capability
//   TP_CAP2_KIND / TP_CAP2_ID optional second one     TP_THROW 1 factory, 2 info(), 3 layouts()
//   TP_MALFORMED 1 misaligned field, 2 layout count, 3 mask wider than the field
//   TP_EXPORT 0 CAPSTATE_PLUGIN, 1 wrong ABI stamp, 2 no factory, 3 no stamp
#include <array>
#include <stdexcept>

#include "capstate/sdk/sdk.hpp"

#ifndef TP_NAME
#define TP_NAME "good"
#endif
#ifndef TP_CAP_KIND
#define TP_CAP_KIND standard
#endif
#ifndef TP_CAP_ID
#define TP_CAP_ID 0x05
#endif
#ifndef TP_THROW
#define TP_THROW 0
#endif
#ifndef TP_MALFORMED
#define TP_MALFORMED 0
#endif
#ifndef TP_EXPORT
#define TP_EXPORT 0
#endif

namespace test_plugin {

using capstate::CapabilityId;
using capstate::CapKind;
using capstate::Claim;

#ifdef TP_CAP2_ID
inline constexpr std::array<Claim, 2> kHandles{{{.kind = CapKind::TP_CAP_KIND, .id = TP_CAP_ID},
                                                {.kind = CapKind::TP_CAP2_KIND, .id = TP_CAP2_ID}}};
#else
inline constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::TP_CAP_KIND, .id = TP_CAP_ID}}};
#endif

inline constexpr std::array<capstate::Field, 2> kFields{{
    {.name = "ctrl",
     .offset = (TP_MALFORMED == 1) ? 0x03 : 0x02,
     .width = capstate::Width::word,
     .writable = (TP_MALFORMED == 3) ? 0x1ffffU : 0xffffU},
    {.name = "data", .offset = 0x04, .width = capstate::Width::dword, .verify = 0xffffffffU},
}};

inline constexpr std::array<capstate::Layout, 1> kLayouts{
    {{.schema_version = 1, .fields = kFields}}};

/// A plugin whose behaviour is chosen at compile time.
class ConfigurablePlugin final : public capstate::Plugin {
 public:
  ConfigurablePlugin() {
    if (TP_THROW == 1) {
      throw std::runtime_error("factory refuses to build");
    }
  }

  capstate::PluginInfo info() const override {
    if (TP_THROW == 2) {
      throw std::logic_error("info is broken");
    }
    return capstate::PluginInfo{
        .name = TP_NAME,
        .version = "1.2.3",
        .summary = "test plugin " TP_NAME,
        .claims = kHandles,
        .current_schema = (TP_MALFORMED == 2) ? 2 : 1,
        .oldest_schema = 1,
        .restore_phase = 120,
        .needs_bar_access = true,
    };
  }

  std::span<const capstate::Layout> layouts() const override {
    if (TP_THROW == 3) {
      throw 42;  // not a std::exception on purpose
    }
    return kLayouts;
  }
};

inline std::unique_ptr<capstate::Plugin> make() {
  return std::make_unique<ConfigurablePlugin>();
}

}  // namespace test_plugin

#if TP_EXPORT == 0
CAPSTATE_PLUGIN(test_plugin::ConfigurablePlugin)
#elif TP_EXPORT == 1
// The stamp of a plugin built for an SDK ABI this host does not have.
extern "C" BOOST_SYMBOL_EXPORT const capstate::AbiStamp capstate_abi_stamp;
extern "C" const capstate::AbiStamp capstate_abi_stamp = {
    999, CAPSTATE_COMPILER_FAMILY, CAPSTATE_COMPILER_MAJOR, CAPSTATE_STDLIB_NAME,
    CAPSTATE_SDK_HEADER_HASH};
BOOST_DLL_ALIAS(test_plugin::make, capstate_plugin_factory)
#elif TP_EXPORT == 2
extern "C" BOOST_SYMBOL_EXPORT const capstate::AbiStamp capstate_abi_stamp;
extern "C" const capstate::AbiStamp capstate_abi_stamp = capstate::current_abi_stamp();
#elif TP_EXPORT == 3
BOOST_DLL_ALIAS(test_plugin::make, capstate_plugin_factory)
#endif
