#include "undo_test_util.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "backends/dump_source.hpp"

namespace capstate::undotest {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = "/tmp/capstate-undo-test.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  path_ = pattern;
  ::chmod(path_.c_str(), 0755);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       const RunOptions& options) {
  const std::string binary = std::string(CAPSTATE_BINARY_DIR) + "/bin/capstate";
  const fs::path out_file = tmp.path() / ".stdout";
  const fs::path err_file = tmp.path() / ".stderr";
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) {
    throw std::runtime_error("fork failed");
  }
  if (child == 0) {
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) {
      ::_exit(126);
    }
    ::unsetenv("CAPSTATE_PLUGIN_PATH");
    ::setenv("CAPSTATE_CONFIG_ROOT", tmp.path().c_str(), 1);
    if (options.as_nobody &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(125);
    }
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
  }
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out_file);
  result.err = read_text(err_file);
  return result;
}

std::vector<std::uint8_t> dump_config(const std::string& dump_name, const std::string& address) {
  core::DumpSource dump(fs::path(CAPSTATE_TEST_DATA_DIR) / dump_name);
  const auto parsed = core::PciAddress::parse(address);
  if (!parsed) {
    throw std::runtime_error("bad address " + address);
  }
  const auto bytes = dump.bytes(*parsed);
  return {bytes.begin(), bytes.end()};
}

fs::path add_sysfs_device(const fs::path& root, const std::string& address,
                          const std::vector<std::uint8_t>& config, mode_t mode) {
  const fs::path dir = root / "bus" / "pci" / "devices" / address;
  fs::create_directories(dir);
  const fs::path file = dir / "config";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(config.data()),
              static_cast<std::streamsize>(config.size()));
  }
  ::chmod(file.c_str(), mode);
  return file;
}

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  const std::string text = read_text(file);
  return {text.begin(), text.end()};
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

std::uint16_t word_at(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  return static_cast<std::uint16_t>(bytes.at(offset) | (bytes.at(offset + 1) << 8));
}

std::vector<std::uint8_t> with_word(std::vector<std::uint8_t> bytes, std::size_t offset,
                                    std::uint16_t value) {
  bytes.at(offset) = static_cast<std::uint8_t>(value & 0xff);
  bytes.at(offset + 1) = static_cast<std::uint8_t>(value >> 8);
  return bytes;
}

std::vector<fs::path> files_ending(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace capstate::undotest
