#include "registry_test_util.hpp"

#include <gtest/gtest.h>

#include "support/file_text.hpp"

namespace fs = std::filesystem;

namespace capstate::core::test {

fs::path built_plugins(std::string_view test_case) {
  return fs::path(CAPSTATE_BINARY_DIR) / "test-plugins" / test_case;
}

void copy_plugins(const fs::path& from, const fs::path& to) {
  for (const auto& item : fs::directory_iterator(from)) {
    if (!item.is_regular_file()) {
      continue;
    }
    const fs::path target = to / item.path().filename();
    fs::copy_file(item.path(), target, fs::copy_options::overwrite_existing);
    fs::permissions(target, fs::perms(0755));
  }
}

void write_file(const fs::path& file, std::string_view text) {
  testsupport::write_text(file, text);
  fs::permissions(file, fs::perms(0644));
}

Registry load_dir(const fs::path& dir, bool allow_untrusted) {
  RegistryOptions options;
  options.search_path = {dir};
  options.allow_untrusted = allow_untrusted;
  return Registry::load(options);
}

const PluginEntry& entry_named(const Registry& registry, std::string_view file_name) {
  for (const auto& e : registry.entries()) {
    if (e.file.filename() == file_name) {
      return e;
    }
  }
  ADD_FAILURE() << "no entry for " << file_name;
  static const PluginEntry none;
  return none;
}

}  // namespace capstate::core::test
