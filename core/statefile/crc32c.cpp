#include "statefile/crc32c.hpp"

#include <array>
#include <boost/crc.hpp>

#include "statefile/format.hpp"

namespace capstate::core {

namespace {
using Crc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;
}  // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> bytes) {
  Crc32c crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

std::uint32_t state_file_checksum(std::span<const std::uint8_t> file) {
  constexpr std::size_t at = format::kChecksumOffset;
  constexpr std::array<std::uint8_t, 4> zeros{};
  Crc32c crc;
  crc.process_bytes(file.data(), at);
  crc.process_bytes(zeros.data(), zeros.size());
  crc.process_bytes(file.data() + at + zeros.size(), file.size() - at - zeros.size());
  return crc.checksum();
}

}  // namespace capstate::core
