// Benchmarks 2 and 5: wall time from fork/exec of a command to its exit, repeated; prints the
// median, minimum and maximum in milliseconds. The command's output goes to /dev/null.
//
// Usage: capstate_bench_exec [--repeat N] [--warmup N] [--label TEXT] -- COMMAND [ARGS...]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

/// Runs `argv` once; returns its wall time in milliseconds, or a negative value on failure.
double run_once(const std::vector<char*>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    std::fprintf(stderr, "capstate_bench_exec: cannot start %s: %s\n", argv[0], std::strerror(err));
    return -1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const auto end = std::chrono::steady_clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr,
                 "capstate_bench_exec: %s exited with status %d; run it by hand to see why\n",
                 argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return -1;
  }
  return std::chrono::duration<double, std::milli>(end - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 21;
  int warmup = 2;
  std::string label;
  int i = 1;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      break;
    }
    if (arg == "--repeat") {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--warmup") {
      warmup = std::max(0, std::atoi(argv[++i]));
    } else if (arg == "--label") {
      label = argv[++i];
    } else {
      break;
    }
  }
  if (i >= argc - 1 || std::strcmp(argv[i], "--") != 0) {
    std::fprintf(stderr,
                 "usage: capstate_bench_exec [--repeat N] [--warmup N] [--label TEXT] -- COMMAND "
                 "[ARGS...]\n");
    return 2;
  }
  std::vector<char*> cmd(argv + i + 1, argv + argc);
  cmd.push_back(nullptr);
  if (label.empty()) {
    label = cmd[0];
  }
  std::vector<double> ms;
  for (int r = 0; r < warmup + repeat; ++r) {
    const double t = run_once(cmd);
    if (t < 0) {
      return 1;
    }
    if (r >= warmup) {
      ms.push_back(t);
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-34s median %8.3f ms  min %8.3f  max %8.3f  (%d runs)\n", label.c_str(),
              ms[ms.size() / 2], ms.front(), ms.back(), repeat);
  return 0;
}
