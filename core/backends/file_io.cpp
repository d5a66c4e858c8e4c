// Reading whole files for the file backends.
#include "backends/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace capstate::core {

std::string read_whole_file(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + what + " " + path.string() + ": " +
                             std::strerror(errno) + "; check the path and its permissions");
  }
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) {
    throw std::runtime_error("cannot read " + what + " " + path.string() + ": read error");
  }
  return std::move(data).str();
}

}  // namespace capstate::core
