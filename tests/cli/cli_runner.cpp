#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/lspci_oracle.hpp"

namespace capstate::clitest {
namespace fs = std::filesystem;

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/capstate-cli-test.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::file(std::string_view name) const {
  return (path_ / name).string();
}

std::string capstate_binary() {
  return std::string(CAPSTATE_BINARY_DIR) + "/bin/capstate";
}

std::string data_file(std::string_view name) {
  return std::string(CAPSTATE_TEST_DATA_DIR) + "/" + std::string(name);
}

RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       const std::string& env) {
  const std::string err_file = tmp.file(".stderr");
  std::string command =
      "env -u CAPSTATE_PLUGIN_PATH " + env + " " + test::shell_quote(capstate_binary());
  for (const std::string& a : args) {
    command += " " + test::shell_quote(a);
  }
  command += " 2>" + test::shell_quote(err_file);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("cannot start `" + command + "`");
  }
  RunResult result;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    result.out.append(buf.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_text(err_file);
  return result;
}

bool have_lspci() {
  return test::find_program("lspci").has_value();
}

std::string run_lspci(const std::string& dump_file, const std::string& args) {
  const auto lspci = test::find_program("lspci");
  if (!lspci) {
    ADD_FAILURE() << "lspci not found: install pciutils (apt-get install pciutils); it is the "
                     "oracle for these tests";
    return {};
  }
  return test::run_command(test::shell_quote(*lspci) + " -F " + test::shell_quote(dump_file) + " " +
                           args);
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  const std::string text = read_text(file);
  return {text.begin(), text.end()};
}

void write_text(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + file.string());
  }
}

void write_bytes(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
  write_text(file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    lines.emplace_back(text.substr(start, stop - start));
    start = stop + 1;
  }
  return lines;
}

std::string patch_dump(std::string_view dump, std::string_view address, unsigned offset,
                       const std::vector<std::uint8_t>& values) {
  std::vector<std::string> lines = lines_of(dump);
  const std::string device_prefix = std::string(address) + " ";
  std::size_t i = 0;
  while (i < lines.size() && lines[i].rfind(device_prefix, 0) != 0) {
    ++i;
  }
  if (i == lines.size()) {
    throw std::runtime_error("patch_dump: no device " + std::string(address));
  }
  for (std::size_t k = 0; k < values.size(); ++k) {
    const unsigned at = offset + static_cast<unsigned>(k);
    char row[16];
    std::snprintf(row, sizeof row, at < 0x100 ? "%02x: " : "%03x: ", at & ~0xfU);
    std::size_t j = i + 1;
    while (j < lines.size() && !lines[j].empty() && lines[j].rfind(row, 0) != 0) {
      ++j;
    }
    if (j == lines.size() || lines[j].empty()) {
      throw std::runtime_error("patch_dump: no row " + std::string(row) + "in " +
                               std::string(address));
    }
    // Row "xx: b0 b1 ... b15": byte n starts after the prefix, three characters apart.
    const std::size_t pos = std::string(row).size() + 3 * (at & 0xfU);
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", values[k]);
    lines[j].replace(pos, 2, hex);
  }
  std::string out;
  for (const std::string& l : lines) {
    out += l + "\n";
  }
  return out;
}

}  // namespace capstate::clitest
