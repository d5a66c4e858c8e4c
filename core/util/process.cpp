#include "util/process.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <system_error>

#include "util/file_error.hpp"

namespace capstate::core {
namespace {

// argv-style pointers into `v`, ending in nullptr; valid while `v` lives unchanged.
std::vector<char*> pointers(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string command_text(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& a : argv) {
    text += (text.empty() ? "" : " ") + a;
  }
  return text;
}

int run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  if (argv.empty()) {
    throw FileError({}, "run_command: no command", EINVAL);
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = env;
  std::vector<char*> argv_p = pointers(args);
  std::vector<char*> env_p = pointers(environment);
  pid_t pid = 0;
  if (const int err =
          ::posix_spawnp(&pid, args.front().c_str(), nullptr, nullptr, argv_p.data(), env_p.data());
      err != 0) {
    throw FileError(args.front(),
                    fmt::format("cannot start {}: {}", command_text(argv),
                                std::generic_category().message(err)),
                    err);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      const int err = errno;
      throw FileError(
          args.front(),
          fmt::format("lost {}: {}", command_text(argv), std::generic_category().message(err)),
          err);
    }
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace capstate::core
