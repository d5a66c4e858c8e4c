#include "registry/plugin_loader.hpp"

#include <boost/dll/shared_library.hpp>
#include <exception>
#include <memory>
#include <system_error>

#include "capstate/sdk/export.hpp"
#include "engine/layout_text.hpp"
#include "registry/abi_check.hpp"
#include "registry/metadata_check.hpp"
#include "registry/trust.hpp"

namespace capstate::core {
namespace {

// Owns a plugin object and the library its code lives in; the plugin dies first.
struct LoadedLibrary {
  boost::dll::shared_library library;
  std::unique_ptr<Plugin> plugin;

  ~LoadedLibrary() { plugin.reset(); }
};

// The text of the exception being handled.
std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception (not derived from std::exception)";
  }
}

// The loader's own words from a Boost.DLL load error, without Boost's wrapping.
std::string loader_message(const std::string& what) {
  const std::string marker = "(dlerror system message: ";
  const auto start = what.find(marker);
  if (start == std::string::npos) {
    return what;
  }
  const auto from = start + marker.size();
  const auto end = what.rfind(')');
  return what.substr(from, end == std::string::npos || end < from ? std::string::npos : end - from);
}

PluginEntry refused(PluginEntry entry, std::string reason) {
  entry.status = PluginStatus::refused;
  entry.reason = std::move(reason);
  entry.plugin.reset();
  entry.layouts.clear();
  entry.claims.clear();  // their views point into the library, which may go
  entry.options.clear();
  return entry;
}

}  // namespace

bool describe_plugin(PluginEntry& entry, const Plugin& plugin, std::string_view label) {
  const std::string who = "plugin " + std::string(label);
  PluginInfo info;
  std::span<const Layout> layouts;
  try {
    info = plugin.info();
  } catch (...) {
    entry = refused(std::move(entry), who + " threw during info(): " + current_exception_text());
    return false;
  }
  entry.name = std::string(info.name);
  entry.version = std::string(info.version);
  entry.summary = std::string(info.summary);
  entry.claims.assign(info.claims.begin(), info.claims.end());
  entry.options.assign(info.options.begin(), info.options.end());
  entry.current_schema = info.current_schema;
  entry.oldest_schema = info.oldest_schema;
  entry.restore_phase = info.restore_phase;
  entry.needs_bar_access = info.needs_bar_access;
  try {
    layouts = plugin.layouts();
  } catch (...) {
    entry = refused(std::move(entry), who + " threw during layouts(): " + current_exception_text());
    return false;
  }
  if (auto problem = metadata_problem(info, layouts); !problem.empty()) {
    entry = refused(std::move(entry), problem);
    return false;
  }
  // Fingerprints depend only on the plugin and the schema: computed here, once per layout.
  entry.layouts.clear();
  entry.layouts.reserve(layouts.size());
  for (const Layout& layout : layouts) {
    entry.layouts.push_back(LayoutPrint{&layout, layout, layout_fingerprint(info.name, layout)});
  }
  entry.status = PluginStatus::loaded;
  entry.reason.clear();
  return true;
}

PluginEntry load_plugin_file(const std::filesystem::path& file, bool allow_untrusted) {
  PluginEntry entry;
  entry.file = file;
  if (!allow_untrusted) {
    if (auto problem = trust_problem(file, false); !problem.empty()) {
      return refused(std::move(entry), problem);
    }
  }
  auto holder = std::make_shared<LoadedLibrary>();
  try {
    holder->library.load(file,
                         boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refused(std::move(entry), "not a loadable library: " + loader_message(e.what()));
  }
  for (const char* symbol : {kAbiStampSymbol, kFactorySymbol}) {
    if (!holder->library.has(symbol)) {
      return refused(std::move(entry), std::string("missing symbol ") + symbol +
                                           " — build the plugin with CAPSTATE_PLUGIN(YourClass)");
    }
  }
  const auto& stamp = holder->library.get<const AbiStamp>(kAbiStampSymbol);
  if (auto diff = abi_stamp_mismatch(stamp, current_abi_stamp()); !diff.empty()) {
    return refused(std::move(entry), "ABI stamp mismatch: " + diff +
                                         " — rebuild the plugin against this capstate SDK");
  }
  const std::string label = file.string();
  try {
    auto& factory = holder->library.get_alias<PluginFactory>(kFactorySymbol);
    holder->plugin = factory();
  } catch (...) {
    return refused(std::move(entry),
                   "plugin " + label + " threw during factory call: " + current_exception_text());
  }
  if (!holder->plugin) {
    return refused(std::move(entry), "plugin " + label + " factory returned no plugin object");
  }
  if (!describe_plugin(entry, *holder->plugin, label)) {
    return entry;
  }
  const Plugin* plugin = holder->plugin.get();
  entry.plugin = std::shared_ptr<const Plugin>(std::move(holder), plugin);
  return entry;
}

}  // namespace capstate::core
