#include "statefile/state_file_io.hpp"

#include "util/atomic_file.hpp"
#include "util/file_read.hpp"

namespace capstate::core {

StateFile read_state_file(const std::filesystem::path& path) {
  std::vector<std::uint8_t> bytes = read_file_bounded(path, kMaxStateFileBytes);
  return decode_state(bytes, path.string());
}

void write_state_file(const std::filesystem::path& path, const StateFile& file) {
  std::vector<std::uint8_t> bytes = encode_state(file, path.string());
  write_file_atomically(path, std::span<const std::uint8_t>(bytes));
}

}  // namespace capstate::core
