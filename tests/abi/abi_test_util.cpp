// Test support for the ABI tests.
#include "abi_test_util.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace capstate::abitest {
namespace fs = std::filesystem;

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/capstate-abi-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + tmpl);
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {
std::string shell_quote(const std::string& arg) {
  std::string out = "'";
  for (char ch : arg) {
    out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  }
  return out + "'";
}
}  // namespace

RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args) {
  const fs::path err_file = tmp.path() / "stderr.txt";
  std::string cmd = "env -u CAPSTATE_PLUGIN_PATH " +
                    shell_quote(std::string(CAPSTATE_BINARY_DIR) + "/bin/capstate");
  for (const std::string& arg : args) {
    cmd += " " + shell_quote(arg);
  }
  cmd += " 2>" + shell_quote(err_file.string());
  RunResult run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("popen failed: " + cmd);
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
    run.out.append(buf, n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = read_text(err_file);
  return run;
}

fs::path build_plugin_dir() {
  return fs::path(CAPSTATE_BINARY_DIR) / "lib/capstate/plugins";
}

fs::path committed_baseline() {
  return fs::path(CAPSTATE_SOURCE_DIR) / "abi";
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + file.string());
  }
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> files_below(const fs::path& dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      out.push_back(fs::relative(e.path(), dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace capstate::abitest
