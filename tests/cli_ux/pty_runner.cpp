#include "pty_runner.hpp"

#include <fcntl.h>
#include <pty.h>
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
  ::close(slave);
  TtyRunResult result;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) {
      result.tty.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the child's last descriptor of the terminal is closed
    }
  }
  ::close(master);
  result.exit_code = testsupport::wait_exit_code(child);
  result.out = read_text(out_file);
  return result;
}

}  // namespace capstate::clitest
