// ImageSource: raw 256/4096-byte images, write_image round trip, wrong sizes.
#include "backends/image_source.hpp"
#include "backend_test_util.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;
using capstate::testing::read_bytes;
using capstate::testing::TempDir;
using capstate::testing::write_bytes;
using ::testing::HasSubstr;

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = static_cast<std::uint8_t>(i * 7 + (i >> 8));
  }
  return v;
}

TEST(ImageSource, ConventionalImage) {
  TempDir dir;
  write_bytes(dir / "dev.bin", pattern(256));
  ImageSource image(dir / "dev.bin");
  EXPECT_EQ(image.addresses(), std::vector<PciAddress>{PciAddress{}});
  EXPECT_EQ(image.describe(), "raw image " + (dir / "dev.bin").string());
  EXPECT_FALSE(image.writes_hardware());
  Device d = image.open(PciAddress{});
  EXPECT_EQ(d.config->size(), 256);
  EXPECT_EQ(d.config->device_name(), "0000:00:00.0");
  EXPECT_EQ(d.config->read32(0x10), 0x857e7770U);  // bytes 70 77 7e 85, little-endian
  EXPECT_EQ(d.bars, nullptr);
}

TEST(ImageSource, ExtendedImageAtAGivenAddress) {
  TempDir dir;
  write_bytes(dir / "dev.bin", pattern(4096));
  const PciAddress a{0, 3, 0, 0};
  ImageSource image(dir / "dev.bin", a);
  Device d = image.open(a);
  EXPECT_EQ(d.config->size(), 4096);
  EXPECT_EQ(d.config->device_name(), "0000:03:00.0");
  EXPECT_EQ(d.config->read8(0xfff), static_cast<std::uint8_t>(0xfff * 7 + 0xf));
  EXPECT_EQ(error_of<AccessError>([&] { image.open(PciAddress{}); }),
            "0000:00:00.0: no such device in raw image " + (dir / "dev.bin").string() +
                " (it holds only 0000:03:00.0)");
}

TEST(ImageSource, WrongSizesAreRefused) {
  TempDir dir;
  for (std::size_t n : {0UL, 64UL, 255UL, 257UL, 4095UL, 8192UL}) {
    write_bytes(dir / "odd.bin", std::vector<std::uint8_t>(n, 0));
    EXPECT_EQ(error_of<std::runtime_error>([&] { ImageSource image(dir / "odd.bin"); }),
              (dir / "odd.bin").string() + ": raw image is " + std::to_string(n) +
                  " bytes; expected exactly 256 (conventional) or 4096 (extended configuration "
                  "space)");
  }
  EXPECT_THAT(error_of<std::runtime_error>([&] { ImageSource image(dir / "none.bin"); }),
              HasSubstr("cannot read raw image " + (dir / "none.bin").string()));
}

TEST(ImageSource, WriteImageRoundTrip) {
  TempDir dir;
  const auto original = pattern(4096);
  write_bytes(dir / "in.bin", original);
  ImageSource image(dir / "in.bin");
  {
    Device d = image.open(PciAddress{});
    d.config->write16(0x04, 0xbeef);
    d.config->write8(0x800, 0x5a);
  }
  image.write_image(dir / "out.bin");
  auto expected = original;
  expected[0x04] = 0xef;
  expected[0x05] = 0xbe;
  expected[0x800] = 0x5a;
  EXPECT_EQ(read_bytes(dir / "out.bin"), expected);
  EXPECT_EQ(read_bytes(dir / "in.bin"), original);  // the input is untouched

  ImageSource again(dir / "out.bin");
  EXPECT_EQ(again.open(PciAddress{}).config->read16(0x04), 0xbeef);
  const AccessCounts c = image.counts();
  EXPECT_EQ(c.writes[0], 1U);
  EXPECT_EQ(c.writes[1], 1U);
  EXPECT_EQ(c.total_reads(), 0U);
  EXPECT_EQ(image.counts(PciAddress{}).total_writes(), 2U);
}

}  // namespace
}  // namespace capstate::core
