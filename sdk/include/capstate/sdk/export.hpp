// The one macro a plugin library uses to export itself to the host.
#pragma once

#include <boost/dll/alias.hpp>
#include <memory>

#include "capstate/sdk/abi.hpp"
#include "capstate/sdk/plugin.hpp"

namespace capstate {

/// Signature of the factory every plugin library exports under kFactorySymbol.
using PluginFactory = std::unique_ptr<Plugin>();
/// Exported name of the plugin factory alias.
inline constexpr const char* kFactorySymbol = "capstate_plugin_factory";
/// Exported name of the plugin's AbiStamp.
inline constexpr const char* kAbiStampSymbol = "capstate_abi_stamp";

}  // namespace capstate

/// Exports `PluginClass` (default-constructible, derived from capstate::Plugin) and the ABI stamp.
/// Use exactly once per plugin library, at namespace scope.
#define CAPSTATE_PLUGIN(PluginClass)                                                          \
  extern "C" BOOST_SYMBOL_EXPORT const ::capstate::AbiStamp capstate_abi_stamp;               \
  extern "C" const ::capstate::AbiStamp capstate_abi_stamp = ::capstate::current_abi_stamp(); \
  namespace capstate_plugin_export {                                                          \
  inline std::unique_ptr<::capstate::Plugin> make() {                                         \
    return std::make_unique<PluginClass>();                                                   \
  }                                                                                           \
  }                                                                                           \
  BOOST_DLL_ALIAS(capstate_plugin_export::make, capstate_plugin_factory)
