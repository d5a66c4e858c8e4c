// CRC32C: published check values, the portable and the SSE4.2 paths against each other and
// against Boost.CRC on every length 0..1024 at unaligned starts, and chaining with crc32c_extend.
#include <gtest/gtest.h>

#include <boost/crc.hpp>
#include <random>
#include <string_view>
#include <vector>

#include "samples.hpp"
#include "statefile/crc32c.hpp"

namespace capstate::core {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Boost's byte-at-a-time CRC32C: the implementation capstate used before, as an oracle.
std::uint32_t boost_crc32c(std::span<const std::uint8_t> bytes) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

TEST(Crc32c, CheckValue) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_portable(as_bytes("123456789")), 0xE3069283u);
  if (const auto hw = crc32c_hardware(as_bytes("123456789"))) {
    EXPECT_EQ(*hw, 0xE3069283u);
  }
}

TEST(Crc32c, PortableAndHardwareAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(20261125);
  std::vector<std::uint8_t> buffer(1024 + 8);
  for (auto& b : buffer) {
    b = static_cast<std::uint8_t>(rng());
  }
  const bool hardware = crc32c_hardware(as_bytes("x")).has_value();
  EXPECT_EQ(crc32c_uses_hardware(), hardware);
  for (std::size_t start = 0; start < 8; ++start) {
    for (std::size_t length = 0; length <= 1024; ++length) {
      const std::span<const std::uint8_t> bytes(buffer.data() + start, length);
      const std::uint32_t expected = boost_crc32c(bytes);
      ASSERT_EQ(crc32c_portable(bytes), expected) << "start " << start << " length " << length;
      ASSERT_EQ(crc32c(bytes), expected) << "start " << start << " length " << length;
      if (hardware) {
        ASSERT_EQ(*crc32c_hardware(bytes), expected) << "start " << start << " length " << length;
      }
    }
  }
}

TEST(Crc32c, ExtendChainsPieces) {
  const auto text = as_bytes("123456789");
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(crc32c_extend(crc32c(text.first(cut)), text.subspan(cut)), 0xE3069283u)
        << "cut at " << cut;
  }
  EXPECT_EQ(crc32c_extend(0, text), 0xE3069283u);
}

TEST(Crc32c, EmptyInputAndKnownVectors) {
  EXPECT_EQ(crc32c({}), 0x00000000u);
  // RFC 3720 (iSCSI) B.4: 32 bytes of zeros and 32 bytes of 0xff.
  std::vector<std::uint8_t> zeros(32, 0x00), ones(32, 0xff);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c_portable(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c_portable(ones), 0x62A8AB43u);
  // RFC 3720 B.4: bytes 0x00, 0x01, ..., 0x1f.
  std::vector<std::uint8_t> ascending(32);
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    ascending[i] = static_cast<std::uint8_t>(i);
  }
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c_portable(ascending), 0x46DD794Eu);
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
