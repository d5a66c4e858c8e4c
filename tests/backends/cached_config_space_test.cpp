// CachedConfigSpace: each aligned dword is read from the source once and serves every byte, word
// and dword read inside it; the source's access errors reach the caller unchanged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/cached_config_space.hpp"
#include "backends/memory_config_space.hpp"

namespace capstate::core {
namespace {

// 256 bytes whose value is their offset, the first `held` of them known (as in a dump that holds
// only part of the space).
MemoryDevice device(std::size_t held = kConventionalSize) {
  MemoryDevice d;
  d.name = "0000:00:02.0";
  d.bytes.resize(kConventionalSize);
  for (std::size_t i = 0; i < d.bytes.size(); ++i) {
    d.bytes[i] = static_cast<std::uint8_t>(i);
  }
  d.held = held;
  d.beyond_held_hint = "the dump holds only the first bytes; save it with lspci -xxx";
  return d;
}

// The AccessError text of `fn`, or "no AccessError".
template <typename F>
std::string access_error(F&& fn) {
  try {
    fn();
  } catch (const AccessError& e) {
    return e.what();
  }
  return "no AccessError";
}

TEST(CachedConfigSpace, ServesEveryWidthFromOneDwordRead) {
  MemoryDevice bytes = device();
  MemoryConfigSpace source(bytes);
  CachedConfigSpace cached(source);
  EXPECT_EQ(cached.read(0x0e, Width::byte), 0x0eU);
  EXPECT_EQ(cached.read(0x0c, Width::word), 0x0d0cU);
  EXPECT_EQ(cached.read(0x0c, Width::dword), 0x0f0e0d0cU);
  EXPECT_EQ(cached.read(0x0f, Width::byte), 0x0fU);
  EXPECT_EQ(cached.read(0x0e, Width::word), 0x0f0eU);
  EXPECT_EQ(source.counts().reads, (std::array<std::uint64_t, 3>{0, 0, 1}));
  EXPECT_EQ(cached.cached_dwords(), 1U);
}

TEST(CachedConfigSpace, EveryRegisterEqualsTheSourceAndEachDwordIsReadOnce) {
  MemoryDevice bytes = device();
  MemoryConfigSpace source(bytes);
  MemoryDevice twin_bytes = device();
  MemoryConfigSpace twin(twin_bytes);
  CachedConfigSpace cached(source);
  for (const Width w : {Width::byte, Width::word, Width::dword}) {
    for (unsigned at = 0; at < kConventionalSize; at += width_bytes(w)) {
      const auto offset = static_cast<std::uint16_t>(at);
      ASSERT_EQ(cached.read(offset, w), twin.read(offset, w)) << at << " " << width_bits(w);
    }
  }
  EXPECT_EQ(source.counts().reads, (std::array<std::uint64_t, 3>{0, 0, kConventionalSize / 4}));
  EXPECT_EQ(source.counts().total_writes(), 0U);
}

TEST(CachedConfigSpace, MisalignedAndOutOfRangeReadsFailWithTheSourcesText) {
  MemoryDevice bytes = device();
  MemoryConfigSpace source(bytes);
  MemoryDevice twin_bytes = device();
  MemoryConfigSpace twin(twin_bytes);
  CachedConfigSpace cached(source);
  (void)cached.read(0x00, Width::dword);  // the dword of the misaligned word below is held
  const std::string misaligned = access_error([&] { (void)cached.read(0x01, Width::word); });
  EXPECT_EQ(misaligned, access_error([&] { (void)twin.read(0x01, Width::word); }));
  EXPECT_THAT(misaligned, ::testing::StartsWith("0000:00:02.0: 16-bit read at 0x0001 is "
                                                "misaligned"));
  const std::string beyond = access_error([&] { (void)cached.read(0x100, Width::byte); });
  EXPECT_EQ(beyond, access_error([&] { (void)twin.read(0x100, Width::byte); }));
  EXPECT_THAT(beyond, ::testing::HasSubstr("beyond the end of configuration space"));
  EXPECT_EQ(access_error([&] { (void)cached.read(0xfffe, Width::word); }),
            access_error([&] { (void)twin.read(0xfffe, Width::word); }));
}

TEST(CachedConfigSpace, RefusedDwordLeavesTheNarrowerAccessToTheSource) {
  // 0x42 bytes known: the dword at 0x40 is refused, its first word is not.
  MemoryDevice bytes = device(0x42);
  MemoryConfigSpace source(bytes);
  CachedConfigSpace cached(source);
  EXPECT_EQ(cached.read(0x40, Width::word), 0x4140U);
  EXPECT_EQ(cached.read(0x40, Width::byte), 0x40U);
  const std::string refused = access_error([&] { (void)cached.read(0x42, Width::word); });
  EXPECT_EQ(refused,
            "0000:00:02.0: 16-bit read at 0x0042: the dump holds only the first bytes; save it "
            "with lspci -xxx");
  // Failures are not cached: each access asks the source again.
  EXPECT_EQ(access_error([&] { (void)cached.read(0x42, Width::word); }), refused);
  EXPECT_EQ(cached.cached_dwords(), 0U);
}

TEST(CachedConfigSpace, FailingDwordReadOfTheSourceIsNotHidden) {
  MemoryDevice bytes = device(0x40);
  MemoryConfigSpace source(bytes);
  CachedConfigSpace cached(source);
  EXPECT_EQ(access_error([&] { (void)cached.read(0x44, Width::dword); }),
            "0000:00:02.0: 32-bit read at 0x0044: the dump holds only the first bytes; save it "
            "with lspci -xxx");
}

TEST(CachedConfigSpace, WritesGoThroughAndTheDwordIsReadAgain) {
  MemoryDevice bytes = device();
  MemoryConfigSpace source(bytes);
  CachedConfigSpace cached(source);
  EXPECT_EQ(cached.read(0x04, Width::word), 0x0504U);
  EXPECT_EQ(cached.read(0x08, Width::dword), 0x0b0a0908U);
  cached.write(0x06, Width::byte, 0xaa);
  EXPECT_EQ(bytes.bytes[0x06], 0xaa);
  EXPECT_EQ(cached.read(0x04, Width::dword), 0x07aa0504U);
  EXPECT_EQ(cached.read(0x08, Width::dword), 0x0b0a0908U);  // the other dword stays held
  EXPECT_EQ(source.counts().reads, (std::array<std::uint64_t, 3>{0, 0, 3}));
  EXPECT_EQ(source.counts().writes, (std::array<std::uint64_t, 3>{1, 0, 0}));
  cached.clear();
  EXPECT_EQ(cached.read(0x08, Width::byte), 0x08U);
  EXPECT_EQ(source.counts().reads, (std::array<std::uint64_t, 3>{0, 0, 4}));
}

TEST(CachedConfigSpace, RefusedWriteStillForgetsTheDword) {
  MemoryDevice bytes = device(0x42);
  MemoryConfigSpace source(bytes);
  CachedConfigSpace cached(source);
  EXPECT_EQ(cached.read(0x3c, Width::dword), 0x3f3e3d3cU);
  EXPECT_THAT(access_error([&] { cached.write(0x3d, Width::word, 0); }),
              ::testing::HasSubstr("misaligned"));
  EXPECT_EQ(cached.cached_dwords(), 0U);
}

TEST(CachedConfigSpace, NameAndSizeAreTheSources) {
  MemoryDevice bytes = device();
  MemoryConfigSpace source(bytes);
  const CachedConfigSpace cached(source);
  EXPECT_EQ(cached.device_name(), "0000:00:02.0");
  EXPECT_EQ(cached.size(), kConventionalSize);
}

}  // namespace
}  // namespace capstate::core
