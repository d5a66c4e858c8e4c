// CRC32C through Boost.CRC, checked against the published check value.
#include <gtest/gtest.h>

#include <string_view>

#include "samples.hpp"
#include "statefile/crc32c.hpp"

namespace capstate::core {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Crc32c, CheckValue) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
}

TEST(Crc32c, EmptyInputAndKnownVectors) {
  EXPECT_EQ(crc32c({}), 0x00000000u);
  // RFC 3720 (iSCSI) B.4: 32 bytes of zeros and 32 bytes of 0xff.
  std::vector<std::uint8_t> zeros(32, 0x00), ones(32, 0xff);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
}

TEST(Crc32c, FileChecksumTreatsItsOwnFieldAsZero) {
  std::vector<std::uint8_t> file = encode_state(test::sample_state(1, 1));
  std::uint32_t stored = file[0x16] | file[0x17] << 8 | file[0x18] << 16 |
                         static_cast<std::uint32_t>(file[0x19]) << 24;
  EXPECT_EQ(state_file_checksum(file), stored);
  std::vector<std::uint8_t> zeroed = file;
  std::fill_n(zeroed.begin() + 0x16, 4, 0);
  EXPECT_EQ(crc32c(zeroed), stored);
  file[0x17] ^= 0xff;
  EXPECT_EQ(state_file_checksum(file), stored);
}

}  // namespace
}  // namespace capstate::core
