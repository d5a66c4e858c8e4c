// CountedConfigSpace: the checks every backend shares (alignment, range) and counting by width.
#include <vector>

#include "backend_test_util.hpp"
#include "backends/counted_config_space.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;

/// A backend that records what reached it.
class RecordingSpace final : public CountedConfigSpace {
 public:
  explicit RecordingSpace(std::uint16_t size) : size_(size) {}
  std::uint16_t size() const override { return size_; }
  std::string device_name() const override { return "0000:00:1f.2"; }

  std::vector<std::pair<std::uint16_t, Width>> reads;
  std::vector<std::uint32_t> written;

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override {
    reads.emplace_back(offset, width);
    return 0xa1b2c3d4;  // more bits than a byte or word read may return
  }
  void do_write(std::uint16_t, Width, std::uint32_t value) override { written.push_back(value); }

 private:
  std::uint16_t size_;
};

TEST(CountedConfigSpace, CountsByWidth) {
  RecordingSpace s(4096);
  s.read8(0x01);
  s.read16(0x02);
  s.read16(0x06);
  s.read32(0x100);
  s.write8(0x3c, 0x0b);
  s.write32(0xffc, 1);
  EXPECT_EQ(s.counts().reads[0], 1U);
  EXPECT_EQ(s.counts().reads[1], 2U);
  EXPECT_EQ(s.counts().reads[2], 1U);
  EXPECT_EQ(s.counts().writes[0], 1U);
  EXPECT_EQ(s.counts().writes[1], 0U);
  EXPECT_EQ(s.counts().writes[2], 1U);
  EXPECT_EQ(s.counts().total_reads(), 4U);
  EXPECT_EQ(s.counts().total_writes(), 2U);
  ASSERT_EQ(s.reads.size(), 4U);
  EXPECT_EQ(s.reads[3].first, 0x100);
  EXPECT_EQ(s.reads[3].second, Width::dword);
  s.reset_counts();
  EXPECT_EQ(s.counts().total_reads(), 0U);
}

TEST(CountedConfigSpace, MasksValuesToTheWidth) {
  RecordingSpace s(256);
  EXPECT_EQ(s.read8(0), 0xd4);
  EXPECT_EQ(s.read16(0), 0xc3d4);
  EXPECT_EQ(s.read32(0), 0xa1b2c3d4U);
  s.write(0x10, Width::word, 0x12345678);
  ASSERT_EQ(s.written.size(), 1U);
  EXPECT_EQ(s.written[0], 0x5678U);
}

TEST(CountedConfigSpace, MisalignedAccessIsRefusedAndNotCounted) {
  RecordingSpace s(4096);
  EXPECT_EQ(error_of<AccessError>([&] { s.read32(0x0ffe); }),
            "0000:00:1f.2: 32-bit read at 0x0ffe is misaligned (must be a multiple of 4)");
  EXPECT_EQ(error_of<AccessError>([&] { s.write16(0x0041, 0); }),
            "0000:00:1f.2: 16-bit write at 0x0041 is misaligned (must be a multiple of 2)");
  EXPECT_EQ(s.counts().total_reads(), 0U);
  EXPECT_EQ(s.counts().total_writes(), 0U);
  EXPECT_TRUE(s.reads.empty());
}

TEST(CountedConfigSpace, OutOfRangeAccessIsRefused) {
  RecordingSpace big(4096);
  EXPECT_EQ(error_of<AccessError>([&] { big.read32(0x1000); }),
            "0000:00:1f.2: 32-bit read at 0x1000 is beyond the end of configuration space "
            "(size 0x1000)");
  RecordingSpace small(256);
  EXPECT_EQ(error_of<AccessError>([&] { small.write8(0x100, 0); }),
            "0000:00:1f.2: 8-bit write at 0x0100 is beyond the end of configuration space "
            "(size 0x100)");
  EXPECT_EQ(small.read8(0xff), 0xd4);  // the last byte is fine
  EXPECT_EQ(small.counts().total_reads(), 1U);
  EXPECT_TRUE(small.written.empty());
}

}  // namespace
}  // namespace capstate::core
