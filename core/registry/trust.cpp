#include "registry/trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/file_trust.hpp"

namespace capstate::core {

std::string trust_problem(const std::filesystem::path& path, bool is_directory) {
  const std::string what = is_directory ? "plugin directory " : "plugin file ";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return "cannot check " + what + path.string() + ": " + std::strerror(errno);
  }
  std::string problems;
  if (writable_by_others(st.st_mode)) {
    problems = "writable by group or others";
  }
  const uid_t euid = ::geteuid();
  if (!trusted_owner(st.st_uid)) {
    problems += std::string(problems.empty() ? "" : " and ") +
                "owned by neither root nor the running user (uid " + std::to_string(euid) + ")";
  }
  if (problems.empty()) {
    return {};
  }
  char mode[16];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return "untrusted " + what + path.string() + " (mode " + mode + ", owner uid " +
         std::to_string(st.st_uid) + "): " + problems +
         " — fix its permissions/owner or set allow_untrusted_plugin_dirs";
}

}  // namespace capstate::core
