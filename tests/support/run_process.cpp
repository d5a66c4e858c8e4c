// Test support: start_process, wait_exit_code, run_process, run_shell.
#include "support/run_process.hpp"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace capstate::testsupport {
namespace {

// What the child reports through the close-on-exec status pipe when it cannot reach exec.
struct ChildFailure {
  int stage = 0;  // index into kStages
  int error = 0;  // errno
};

constexpr const char* kStages[] = {"redirecting its descriptors", "changing directory",
                                   "dropping to uid 65534", "exec"};

[[noreturn]] void fail_in_child(int status_fd, int stage, int exit_code) {
  const ChildFailure failure{stage, errno};
  [[maybe_unused]] const ssize_t n = ::write(status_fd, &failure, sizeof failure);
  ::_exit(exit_code);
}

// The caller's environment with `options` applied, as "NAME=value" strings.
std::vector<std::string> child_environment(const RunOptions& options) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> names(options.unset_env);
  for (const std::string& entry : options.env) {
    names.emplace_back(name_of(entry));
  }
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::find(names.begin(), names.end(), name_of(*e)) == names.end()) {
      env.emplace_back(*e);
    }
  }
  env.insert(env.end(), options.env.begin(), options.env.end());
  return env;
}

// Pointers to `strings`, null-terminated, for exec.
std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

void close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

}  // namespace

pid_t start_process(const std::vector<std::string>& argv, const RunOptions& options,
                    const std::function<bool()>& in_child) {
  if (argv.empty()) {
    throw std::runtime_error("start_process: empty argv; give at least the program to run");
  }
  std::vector<std::string> argv_text(argv);
  std::vector<std::string> env_text = child_environment(options);
  const std::vector<char*> args = pointers(argv_text);
  const std::vector<char*> envp = pointers(env_text);
  const std::string dir = options.working_dir.string();
  int status[2];
  if (::pipe2(status, O_CLOEXEC) != 0) {
    throw std::runtime_error("cannot run " + argv[0] + ": pipe failed: " + std::strerror(errno));
  }
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(status[0]);
    ::close(status[1]);
    throw std::runtime_error("cannot run " + argv[0] + ": fork failed: " + std::strerror(error));
  }
  if (child == 0) {
    ::close(status[0]);
    if (in_child && !in_child()) {
      fail_in_child(status[1], 0, 126);
    }
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) {
      fail_in_child(status[1], 1, 126);
    }
    if (options.as_nobody &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      fail_in_child(status[1], 2, 125);
    }
    ::execvpe(args[0], args.data(), envp.data());
    fail_in_child(status[1], 3, 127);
  }
  ::close(status[1]);
  ChildFailure failure;
  ssize_t n = 0;
  while ((n = ::read(status[0], &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  ::close(status[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    wait_exit_code(child);
    throw std::runtime_error("cannot run " + argv[0] + ": " + kStages[failure.stage] +
                             " failed: " + std::strerror(failure.error) +
                             (failure.stage == 3 ? " (is it built, or installed on $PATH?)" : ""));
  }
  return child;
}

int wait_exit_code(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_in < 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    const int error = errno;
    for (int* fd : {&null_in, &out[0], &out[1], &err[0], &err[1]}) {
      close_fd(*fd);
    }
    throw std::runtime_error("cannot run " + (argv.empty() ? std::string("?") : argv[0]) +
                             ": cannot open /dev/null or make pipes: " + std::strerror(error));
  }
  pid_t child = -1;
  try {
    child = start_process(argv, options, [&] {
      return ::dup2(null_in, 0) >= 0 && ::dup2(out[1], 1) >= 0 && ::dup2(err[1], 2) >= 0;
    });
  } catch (...) {
    for (int* fd : {&null_in, &out[0], &out[1], &err[0], &err[1]}) {
      close_fd(*fd);
    }
    throw;
  }
  close_fd(null_in);
  close_fd(out[1]);
  close_fd(err[1]);

  RunResult result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool timed_out = false;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  char buf[4096];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    int wait_ms = -1;
    if (options.timeout.count() > 0 && !timed_out) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
    }
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {  // the timeout passed: stop the child, then read what it left
      ::kill(child, SIGKILL);
      timed_out = true;
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
  }
  result.exit_code = wait_exit_code(child);
  if (timed_out) {
    result.exit_code = 124;
  }
  return result;
}

RunResult run_shell(const std::string& command, const RunOptions& options) {
  return run_process({"/bin/sh", "-c", command}, options);
}

}  // namespace capstate::testsupport
