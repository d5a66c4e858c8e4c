#include "pty_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace capstate::clitest {

TtyRunResult run_capstate_on_tty(const TempDir& tmp, const std::vector<std::string>& args) {
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
    throw std::runtime_error("openpty failed: errno " + std::to_string(errno));
  }
  termios mode{};
  ::tcgetattr(slave, &mode);
  ::cfmakeraw(&mode);  // bytes arrive exactly as written ("\n" stays "\n")
  ::tcsetattr(slave, TCSANOW, &mode);

  const std::string out_file = tmp.file(".tty-stdout");
  std::vector<std::string> argv{capstate_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  // The child gets its own session, /dev/null as stdin, a file as stdout, the terminal as stderr.
  const auto on_terminal = [&] {
    ::setsid();
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(slave, 2) < 0) {
      return false;
    }
    ::close(master);
    ::close(slave);
    return true;
  };
  pid_t child = -1;
  try {
    child = testsupport::start_process(
        argv, {.unset_env = {"CAPSTATE_PLUGIN_PATH"}, .working_dir = tmp.path()}, on_terminal);
  } catch (...) {
    ::close(master);
    ::close(slave);
    throw;
  }
  // The parent keeps its own descriptor of the terminal open until the child has exited, so
  // reads never end in EIO while bytes the child wrote are still on their way through the line
  // discipline (Linux may report the hang-up before it has passed on the last bytes).
  TtyRunResult result;
  char buf[4096];
  bool exited = false;
  for (;;) {
    pollfd ready{.fd = master, .events = POLLIN, .revents = 0};
    // After the exit, a quiet 200 ms means everything has arrived.
    const int polled = ::poll(&ready, 1, exited ? 200 : 50);
    if (polled < 0 && errno == EINTR) {
      continue;
    }
    if (polled > 0) {
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n > 0) {
        result.tty.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      break;
    }
    if (exited) {
      break;
    }
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) {
      exited = true;
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
  }
  ::close(master);
  ::close(slave);
  if (!exited) {
    result.exit_code = testsupport::wait_exit_code(child);
  }
  result.out = read_text(out_file);
  return result;
}

}  // namespace capstate::clitest
