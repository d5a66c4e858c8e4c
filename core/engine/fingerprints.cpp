#include "engine/fingerprints.hpp"

#include "engine/layout_text.hpp"

namespace capstate::core {

std::optional<std::uint64_t> cached_fingerprint(const PluginPrints& prints, std::string_view plugin,
                                                const Layout& layout) {
  if (plugin != prints.plugin) {
    return std::nullopt;
  }
  for (const LayoutPrint& print : prints.layouts) {
    const Layout& d = print.declared;
    if (print.layout == &layout && d.schema_version == layout.schema_version &&
        d.encoding == layout.encoding && d.fields.data() == layout.fields.data() &&
        d.fields.size() == layout.fields.size() && d.extra.data() == layout.extra.data() &&
        d.extra.size() == layout.extra.size() && d.arrays.data() == layout.arrays.data() &&
        d.arrays.size() == layout.arrays.size() &&
        d.earlier_fingerprint == layout.earlier_fingerprint) {
      return print.fingerprint;
    }
  }
  return std::nullopt;
}

std::uint64_t record_fingerprint(const PluginPrints* prints, std::string_view plugin,
                                 const Layout& layout) {
  if (prints != nullptr) {
    if (const std::optional<std::uint64_t> cached = cached_fingerprint(*prints, plugin, layout)) {
      return *cached;
    }
  }
  return layout_fingerprint(plugin, layout);
}

bool fingerprint_matches(std::uint64_t carried, std::uint64_t expected, const Layout& layout) {
  return carried == expected ||
         (layout.earlier_fingerprint != 0 && carried == layout.earlier_fingerprint);
}

}  // namespace capstate::core
