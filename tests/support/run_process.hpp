// Test support: run a program as a child process and capture its exit code, stdout and stderr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace capstate::testsupport {

/// What one run of a program produced.
struct RunResult {
  int exit_code = -1;  ///< exit status; -1 when a signal ended it; 124 when it outran the timeout
  std::string out;     ///< everything written to standard output
  std::string err;     ///< everything written to standard error
};

/// How to run a program; the defaults run it as the caller does, stdin from /dev/null.
struct RunOptions {
  // Every member has an initializer so `{.name = value}` may leave the others out.
  std::vector<std::string> env{};        ///< "NAME=value" entries set in the child's environment
  std::vector<std::string> unset_env{};  ///< names removed from the child's environment
  std::filesystem::path working_dir{};   ///< the child's working directory; the caller's when empty
  bool as_nobody = false;                ///< drop to uid/gid 65534 before exec (needs root)
  std::chrono::milliseconds timeout{0};  ///< kill the child (exit code 124) after this; 0: never
};

/// Forks and execs `argv` (argv[0] a path, or a name looked up on $PATH) with `options`; in the
/// child, `in_child` (when set) runs first to redirect descriptors and returns false on failure.
/// Returns the child's pid; throws std::runtime_error naming the program when it cannot start.
pid_t start_process(const std::vector<std::string>& argv, const RunOptions& options,
                    const std::function<bool()>& in_child = {});

/// Waits for `child`; returns its exit status, or -1 when it did not exit normally.
int wait_exit_code(pid_t child);

/// Runs `argv` to completion with stdin from /dev/null, capturing stdout and stderr; throws
/// std::runtime_error naming the program when it cannot be started.
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

/// Runs `command` with /bin/sh -c, like run_process.
RunResult run_shell(const std::string& command, const RunOptions& options = {});

}  // namespace capstate::testsupport
