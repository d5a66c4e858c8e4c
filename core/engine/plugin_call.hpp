// guarded_call(): runs plugin code so that no exception from it escapes into core unexplained.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "capstate/sdk/access.hpp"

namespace capstate::core {

/// A plugin's code threw; the text names the plugin, the device and what it was doing. It keeps
/// only text, never the original exception object, whose code may live in the plugin library.
/// An AccessError raised while plugin code ran is no PluginFailure (see guarded_call).
class PluginFailure : public std::runtime_error {
 public:
  /// Builds "plugin '<plugin>' failed while <what> on <device>: <original text>".
  PluginFailure(std::string_view plugin, std::string_view device, std::string_view what,
                const std::string& original)
      : std::runtime_error("plugin '" + std::string(plugin) + "' failed while " +
                           std::string(what) + " on " + std::string(device) + ": " + original),
        plugin_(plugin) {}

  /// Name of the plugin that failed.
  const std::string& plugin() const { return plugin_; }

 private:
  std::string plugin_;
};

/// Runs `fn()` and returns its result; any exception it throws becomes a PluginFailure naming
/// `plugin`, `device` and `what` (e.g. "saving"), with the original text. A PluginFailure
/// thrown by `fn` passes through unchanged.
///
/// An AccessError is not the plugin's failure: plugin code reads the device through the core's
/// ConfigSpace and BarSpace, and when those cannot reach it (a register beyond the bytes a dump
/// holds, a BAR the kernel will not map) the device is at fault, not the plugin. It therefore
/// leaves as an AccessError with the same text, which the core's spaces make name the device,
/// the offset and what to do; callers handle it as they handle any access error of the device:
/// a save fails naming the device (as when its identity cannot be read; plugin_failure does not
/// contain it), a restore is refused while planning, before anything is written, and decoding,
/// assembling or checking a record fails with that text. The type is the SDK's (inline,
/// capstate/sdk/access.hpp), so a plugin can throw one itself; it is then taken as an access error
/// of the device too. The error is thrown anew by core code (never rethrown): an object the plugin
/// threw may live in its library, which can be unloaded before a caller up the stack reads the
/// text.
template <typename F>
decltype(auto) guarded_call(std::string_view plugin, std::string_view device, std::string_view what,
                            F&& fn) {
  try {
    return std::forward<F>(fn)();
  } catch (const PluginFailure&) {
    throw;
  } catch (const AccessError& e) {
    throw AccessError(e.what());
  } catch (const std::exception& e) {
    throw PluginFailure(plugin, device, what, e.what());
  } catch (...) {
    throw PluginFailure(plugin, device, what,
                        "unknown exception (not derived from std::exception)");
  }
}

/// guarded_call() for hot paths: `describe()` returns the {device, what} pair of texts and is
/// called only when `fn` throws, so a call that succeeds builds no text at all. An AccessError
/// leaves as an AccessError, as in guarded_call().
template <typename D, typename F>
decltype(auto) guarded_call_lazy(std::string_view plugin, D&& describe, F&& fn) {
  try {
    return std::forward<F>(fn)();
  } catch (const PluginFailure&) {
    throw;
  } catch (const AccessError& e) {
    throw AccessError(e.what());
  } catch (const std::exception& e) {
    const auto [device, what] = describe();
    throw PluginFailure(plugin, device, what, e.what());
  } catch (...) {
    const auto [device, what] = describe();
    throw PluginFailure(plugin, device, what,
                        "unknown exception (not derived from std::exception)");
  }
}

}  // namespace capstate::core
