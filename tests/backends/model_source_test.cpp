// ModelSource: hardware write semantics (read-only, writable, write-1-to-clear), shared storage,
// running access counts and BAR memory.
#include "backends/model_source.hpp"
#include "backend_test_util.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;
using ::testing::HasSubstr;

const PciAddress kDev{0, 1, 0, 0};

/// A 256-byte device: status word at 0x06 with W1C bits 0xf900 and nothing writable; command word
/// at 0x04 with bits 0x0547 writable; dword at 0x40 fully writable; 0x44 bit-mixed.
ModelSource make_model() {
  std::vector<std::uint8_t> config(256, 0), writable(256, 0), w1c(256, 0);
  config[0x00] = 0x86;
  config[0x01] = 0x80;
  config[0x04] = 0x00;
  config[0x06] = 0x10;  // status: capabilities list (read-only)
  config[0x07] = 0xf9;  // status: error bits set (W1C)
  writable[0x04] = 0x47;
  writable[0x05] = 0x05;
  w1c[0x07] = 0xf9;
  for (int i = 0x40; i < 0x44; ++i) {
    writable[i] = 0xff;
  }
  config[0x44] = 0xaa;
  writable[0x44] = 0x0f;  // low nibble writable
  w1c[0x44] = 0xa0;       // bits 7 and 5 write-1-to-clear, bits 6 and 4 read-only
  ModelSource m;
  m.add(kDev, config, writable, w1c);
  return m;
}

TEST(ModelSource, ReadOnlyBitsIgnoreWrites) {
  ModelSource m = make_model();
  Device d = m.open(kDev);
  d.config->write16(0x00, 0x1234);
  EXPECT_EQ(d.config->read16(0x00), 0x8086);
  d.config->write16(0x04, 0xffff);
  EXPECT_EQ(d.config->read16(0x04), 0x0547);  // only writable bits took the value
  d.config->write16(0x04, 0x0000);
  EXPECT_EQ(d.config->read16(0x04), 0x0000);
}

TEST(ModelSource, WriteOneClearsWriteZeroKeeps) {
  ModelSource m = make_model();
  Device d = m.open(kDev);
  EXPECT_EQ(d.config->read16(0x06), 0xf910);
  d.config->write16(0x06, 0x0000);  // zeros leave W1C bits alone
  EXPECT_EQ(d.config->read16(0x06), 0xf910);
  d.config->write16(0x06, 0x8010);  // clears bit 15 only; bit 4 is read-only
  EXPECT_EQ(d.config->read16(0x06), 0x7910);
  d.config->write8(0x07, 0xff);
  EXPECT_EQ(d.config->read16(0x06), 0x0010);
}

TEST(ModelSource, MixedByteAndAllWidths) {
  ModelSource m = make_model();
  Device d = m.open(kDev);
  // 0xaa, then 0x25: low nibble takes 5; W1C bit 5 written 1 is cleared, W1C bit 7 written 0
  // stays set.
  d.config->write8(0x44, 0x25);
  EXPECT_EQ(d.config->read8(0x44), 0x85);
  d.config->write8(0x44, 0xd5);  // bit 7 cleared now; read-only bits 6 and 4 ignore the 1s
  EXPECT_EQ(d.config->read8(0x44), 0x05);
  d.config->write32(0x40, 0x11223344);
  EXPECT_EQ(d.config->read32(0x40), 0x11223344U);
  d.config->write16(0x42, 0xbeef);
  EXPECT_EQ(d.config->read32(0x40), 0xbeef3344U);
  d.config->write8(0x41, 0x00);
  EXPECT_EQ(d.config->read32(0x40), 0xbeef0044U);
  EXPECT_EQ(m.bytes(kDev)[0x43], 0xbe);
}

TEST(ModelSource, OpensShareStorageAndCountsAccumulate) {
  ModelSource m = make_model();
  {
    Device a = m.open(kDev);
    a.config->write32(0x40, 0xdeadbeef);
    a.config->read16(0x00);
  }
  {
    Device b = m.open(kDev);
    EXPECT_EQ(b.config->read32(0x40), 0xdeadbeefU);
    b.config->read8(0x06);
    b.config->write8(0x07, 0x01);
  }
  const AccessCounts c = m.counts(kDev);
  EXPECT_EQ(c.reads[0], 1U);
  EXPECT_EQ(c.reads[1], 1U);
  EXPECT_EQ(c.reads[2], 1U);
  EXPECT_EQ(c.writes[0], 1U);
  EXPECT_EQ(c.writes[1], 0U);
  EXPECT_EQ(c.writes[2], 1U);
  EXPECT_FALSE(m.writes_hardware());
}

TEST(ModelSource, ConvenienceAddIsReadOnly) {
  ModelSource m;
  std::vector<std::uint8_t> config(4096, 0x5a);
  m.add(PciAddress{0, 2, 0, 0}, config);
  Device d = m.open(PciAddress{0, 2, 0, 0});
  EXPECT_EQ(d.config->size(), 4096);
  d.config->write32(0xffc, 0);
  EXPECT_EQ(d.config->read32(0xffc), 0x5a5a5a5aU);
  EXPECT_EQ(m.describe(), "in-memory model (1 devices)");
}

TEST(ModelSource, RejectsBadSizesAndRepeatedAddresses) {
  ModelSource m;
  EXPECT_EQ(error_of<std::invalid_argument>([&] { m.add(kDev, std::vector<std::uint8_t>(100)); }),
            "0000:01:00.0: model configuration space is 100 bytes; expected 256 or 4096");
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              m.add(kDev, std::vector<std::uint8_t>(256), std::vector<std::uint8_t>(256),
                    std::vector<std::uint8_t>(4096));
            }),
            "0000:01:00.0: writable mask (256 bytes) and W1C mask (4096 bytes) must match the "
            "configuration space (256 bytes)");
  m.add(kDev, std::vector<std::uint8_t>(256));
  EXPECT_EQ(error_of<std::invalid_argument>([&] { m.add(kDev, std::vector<std::uint8_t>(256)); }),
            "0000:01:00.0: the model already has this device");
  EXPECT_THAT(error_of<AccessError>([&] {
                m.open(PciAddress{0, 9, 0, 0});
              }),
              HasSubstr("0000:09:00.0: no such device in in-memory model (1 devices)"));
}

TEST(ModelSource, BarMemory) {
  ModelSource m = make_model();
  m.add_bar(kDev, 2, 0x100);
  auto bar = m.bar_bytes(kDev, 2);
  ASSERT_EQ(bar.size(), 0x100U);
  bar[0x10] = 0x78;
  bar[0x11] = 0x56;
  bar[0x12] = 0x34;
  bar[0x13] = 0x12;
  Device d = m.open(kDev);
  ASSERT_NE(d.bars, nullptr);
  EXPECT_TRUE(d.bars->has_bar(2));
  EXPECT_FALSE(d.bars->has_bar(0));
  EXPECT_FALSE(d.bars->has_bar(6));
  EXPECT_EQ(d.bars->bar_size(2), 0x100U);
  EXPECT_EQ(d.bars->bar_size(0), 0U);
  EXPECT_EQ(d.bars->read32(2, 0x10), 0x12345678U);
  d.bars->write32(2, 0xfc, 0xa1b2c3d4);
  EXPECT_EQ(m.bar_bytes(kDev, 2)[0xfc], 0xd4);
  EXPECT_EQ(m.bar_bytes(kDev, 2)[0xff], 0xa1);
  EXPECT_EQ(m.bar_counts(kDev).reads[2], 1U);
  EXPECT_EQ(m.bar_counts(kDev).writes[2], 1U);
  EXPECT_EQ(error_of<AccessError>([&] { d.bars->read32(2, 0x100); }),
            "0000:01:00.0: BAR 2 read at 0x100 is misaligned or beyond the end (size 0x100)");
  EXPECT_EQ(error_of<AccessError>([&] { d.bars->write32(0, 0, 1); }),
            "0000:01:00.0: BAR 0 write at 0x0: the model has no memory for BAR 0");
}

}  // namespace
}  // namespace capstate::core
