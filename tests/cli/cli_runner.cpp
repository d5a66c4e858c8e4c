#include "cli_runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "support/lspci_oracle.hpp"

namespace capstate::clitest {

std::string capstate_binary() {
  return std::string(CAPSTATE_BINARY_DIR) + "/bin/capstate";
}

std::string data_file(std::string_view name) {
  return std::string(CAPSTATE_TEST_DATA_DIR) + "/" + std::string(name);
}

std::vector<std::filesystem::path> dumps_under(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  const std::string suffix = ".xxxx.txt";
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name_for(std::string_view text) {
  std::string name(text);
  for (char& c : name) {
    c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  return name;
}

RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       RunOptions options) {
  std::vector<std::string> argv{capstate_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  options.unset_env.push_back("CAPSTATE_PLUGIN_PATH");
  if (options.working_dir.empty()) {
    options.working_dir = tmp.path();
  }
  return testsupport::run_process(argv, options);
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
