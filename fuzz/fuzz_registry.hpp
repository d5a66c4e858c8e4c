// The real plugins of this build tree, loaded once per fuzzer process through the core Registry.
#pragma once

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "registry/registry.hpp"

namespace capstate::fuzz {

/// Maps every plugin library in CAPSTATE_PLUGIN_DIR for good (RTLD_NODELETE). libFuzzer keeps
/// pointers to each instrumented module's coverage counters; a plugin the registry refuses is
/// unloaded again, and libFuzzer would then clear counters in unmapped memory (a SEGV in
/// TracePC::ClearInlineCounters). Keeping the mapping makes the later dlclose harmless.
inline void pin_plugin_libraries() {
  for (const auto& entry : std::filesystem::directory_iterator(CAPSTATE_PLUGIN_DIR)) {
    if (entry.path().extension() == ".so") {
      (void)dlopen(entry.path().c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    }
  }
}

/// The Registry over CAPSTATE_PLUGIN_DIR (build/lib/capstate/plugins); aborts when no plugin
/// loads, since a fuzzer without plugins would silently test nothing beyond the decoder.
inline const core::Registry& build_tree_registry() {
  static const core::Registry registry = [] {
    pin_plugin_libraries();
    core::RegistryOptions options;
    options.search_path = {std::filesystem::path(CAPSTATE_PLUGIN_DIR)};
    core::Registry r = core::Registry::load(options);
    std::size_t loaded = 0;
    for (const core::PluginEntry& e : r.entries()) {
      if (e.status == core::PluginStatus::loaded) {
        ++loaded;
      } else {
        std::fprintf(stderr, "fuzz: plugin %s not loaded: %s\n", e.file.c_str(), e.reason.c_str());
      }
    }
    if (loaded == 0) {
      std::fprintf(stderr, "fuzz: no plugin loaded from %s; build the plugin targets first\n",
                   CAPSTATE_PLUGIN_DIR);
      std::abort();
    }
    return r;
  }();
  return registry;
}

}  // namespace capstate::fuzz

/// Loads the plugins before libFuzzer starts counting coverage.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)capstate::fuzz::build_tree_registry();
  return 0;
}
