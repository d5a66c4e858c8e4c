// Test support: TempDir.
#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace capstate::testsupport {
namespace fs = std::filesystem;

namespace {

// Gives the owner full access to `dir` and every directory below it, so remove_all can empty
// directories a test made read-only or unsearchable.
void make_removable(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      make_removable(it->path());
    }
  }
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/capstate-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory from " + pattern +
                             " (mkdtemp failed); check that $TMPDIR exists and is writable");
  }
  path_ = pattern;
  fs::permissions(path_, fs::perms(0755));
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (ec) {
    make_removable(path_);
    fs::remove_all(path_, ec);
  }
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(path_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace capstate::testsupport
