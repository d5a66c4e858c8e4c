#include "undo_test_util.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <stdexcept>

#include "backends/dump_source.hpp"

namespace capstate::undotest {
namespace fs = std::filesystem;

RunResult run_capstate(const TempDir& tmp, const std::vector<std::string>& args,
                       RunOptions options) {
  std::vector<std::string> argv{std::string(CAPSTATE_BINARY_DIR) + "/bin/capstate"};
  argv.insert(argv.end(), args.begin(), args.end());
  options.unset_env.push_back("CAPSTATE_PLUGIN_PATH");
  options.env.push_back("CAPSTATE_CONFIG_ROOT=" + tmp.path().string());
  options.working_dir = tmp.path();
  return testsupport::run_process(argv, options);
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
  testsupport::write_bytes(file, config);
  ::chmod(file.c_str(), mode);
  return file;
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
