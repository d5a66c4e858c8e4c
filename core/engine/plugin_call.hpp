// guarded_call(): runs plugin code so that no exception from it escapes into core unexplained.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace capstate::core {

/// A plugin's code threw; the text names the plugin, the device and what it was doing. It keeps
/// only text, never the original exception object, whose code may live in the plugin library.
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
template <typename F>
decltype(auto) guarded_call(std::string_view plugin, std::string_view device, std::string_view what,
                            F&& fn) {
  try {
    return std::forward<F>(fn)();
  } catch (const PluginFailure&) {
    throw;
  } catch (const std::exception& e) {
    throw PluginFailure(plugin, device, what, e.what());
  } catch (...) {
    throw PluginFailure(plugin, device, what,
                        "unknown exception (not derived from std::exception)");
  }
}

/// guarded_call() for hot paths: `describe()` returns the {device, what} pair of texts and is
/// called only when `fn` throws, so a call that succeeds builds no text at all.
template <typename D, typename F>
decltype(auto) guarded_call_lazy(std::string_view plugin, D&& describe, F&& fn) {
  try {
    return std::forward<F>(fn)();
  } catch (const PluginFailure&) {
    throw;
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
