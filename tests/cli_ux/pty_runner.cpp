#include "pty_runner.hpp"

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
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

  const std::string binary = capstate_binary();
  const std::string out_file = tmp.file(".tty-stdout");
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  const pid_t child = ::fork();
  if (child < 0) {
    ::close(master);
    ::close(slave);
    throw std::runtime_error("fork failed: errno " + std::to_string(errno));
  }
  if (child == 0) {
    ::setsid();
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(slave, 2) < 0) {
      ::_exit(126);
    }
    ::close(master);
    ::close(slave);
    ::unsetenv("CAPSTATE_PLUGIN_PATH");
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
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
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out_file);
  return result;
}

}  // namespace capstate::clitest
