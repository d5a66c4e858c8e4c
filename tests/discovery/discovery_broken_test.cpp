// discover() on broken capability lists: what was found, the exact warning, and the reads spent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "discovery/discovery.hpp"
#include "discovery/vector_config_space.hpp"

namespace capstate::test {
namespace {

using core::discover;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr auto kStd = CapKind::standard;
constexpr auto kExt = CapKind::extended;

// A device with the capability-list bit set and the list pointer at 0x34 = `first`.
VectorConfigSpace with_list(std::size_t size, std::uint8_t first) {
  VectorConfigSpace dev(size);
  dev.set_cap_list();
  dev.put8(0x34, first);
  return dev;
}

// Walks `dev`; checks the capabilities found, the one warning, and (when given) the reads spent.
void expect_walk(VectorConfigSpace& dev, const std::vector<Capability>& found,
                 const std::string& warning, std::optional<ReadCounts> reads = std::nullopt) {
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities, ElementsAreArray(found));
  EXPECT_THAT(result.warnings, ElementsAre(warning));
  if (reads) {
    EXPECT_EQ(dev.reads(), *reads);
  }
}

TEST(DiscoveryBroken, StandardLoop) {
  auto dev = with_list(256, 0x40);
  dev.add_standard(0x40, 0x01, 0x50);
  dev.add_standard(0x50, 0x05, 0x60);
  dev.add_standard(0x60, 0x10, 0x50);  // back to 0x50
  expect_walk(dev,
              {Capability{kStd, 0x01, 0x40, 0}, Capability{kStd, 0x05, 0x50, 0},
               Capability{kStd, 0x10, 0x60, 0}},
              "0000:00:03.0: standard capability list loops back to "
              "0x50; stopped after 3 entries",
              ReadCounts{2, 4, 0});  // 0x50 is not read a second time
}

TEST(DiscoveryBroken, StandardSelfLoopWithLowBitsSet) {
  auto dev = with_list(256, 0x40);
  dev.add_standard(0x40, 0x09, 0x43);  // 0x43 masks to 0x40 itself
  expect_walk(dev, {Capability{kStd, 0x09, 0x40, 0}},
              "0000:00:03.0: standard capability list loops back to "
              "0x40; stopped after 1 entry");
}

TEST(DiscoveryBroken, FortyEightEntriesThenLoop) {
  // 0x40..0xfc holds exactly 48 dword slots, the walk limit; a 49th distinct entry cannot exist,
  // so the longest broken list is 48 entries whose last one points back into the chain.
  auto dev = with_list(256, 0x40);
  for (unsigned at = 0x40; at <= 0xfc; at += 4) {
    dev.add_standard(static_cast<std::uint16_t>(at), 0x09,
                     static_cast<std::uint8_t>(at == 0xfc ? 0x40 : at + 4));
  }
  const auto result = discover(dev);
  EXPECT_EQ(result.capabilities.size(), 48U);
  EXPECT_THAT(result.warnings, ElementsAre("0000:00:03.0: standard capability list loops back to "
                                           "0x40; stopped after 48 entries"));
  EXPECT_EQ(dev.reads(), (ReadCounts{2, 49, 0}));
}

TEST(DiscoveryBroken, StandardPointerIntoHeader) {
  auto dev = with_list(256, 0x40);
  dev.add_standard(0x40, 0x01, 0x24);  // 0x24 lies in the configuration header
  expect_walk(dev, {Capability{kStd, 0x01, 0x40, 0}},
              "0000:00:03.0: standard capability pointer 0x24 (at 0x41) points into "
              "the configuration header (below 0x40); stopped after 1 entry",
              ReadCounts{2, 2, 0});
}

TEST(DiscoveryBroken, FirstPointerIntoHeader) {
  auto dev = with_list(256, 0x3c);
  expect_walk(dev, {},
              "0000:00:03.0: standard capability pointer 0x3c (at 0x34) points into "
              "the configuration header (below 0x40); stopped after 0 entries",
              ReadCounts{2, 1, 0});
}

TEST(DiscoveryBroken, StandardPointerPastTheEnd) {
  // A space cut short at 128 bytes (e.g. an unprivileged sysfs read) with a pointer to 0x90.
  auto dev = with_list(128, 0x40);
  dev.add_standard(0x40, 0x01, 0x90);
  expect_walk(dev, {Capability{kStd, 0x01, 0x40, 0}},
              "0000:00:03.0: standard capability pointer 0x90 (at 0x41) points past "
              "the end of the 128-byte configuration space; stopped after 1 entry",
              ReadCounts{2, 2, 0});
}

TEST(DiscoveryBroken, UnknownHeaderTypeSkipsStandardList) {
  VectorConfigSpace dev(256);
  dev.set_cap_list(0x03);
  dev.put8(0x34, 0x40);
  dev.add_standard(0x40, 0x01, 0x00);
  expect_walk(dev, {},
              "0000:00:03.0: header type 0x03 (at 0x0e) is not 0, 1 or 2, so the "
              "standard capability list was not walked",
              ReadCounts{1, 1, 0});  // no pointer read
}

TEST(DiscoveryBroken, ExtendedLoop) {
  VectorConfigSpace dev(4096);
  dev.add_extended(0x100, 0x0001, 2, 0x140);
  dev.add_extended(0x140, 0x0003, 1, 0x100);  // back to the start
  expect_walk(dev, {Capability{kExt, 0x0001, 0x100, 2}, Capability{kExt, 0x0003, 0x140, 1}},
              "0000:00:03.0: extended capability list loops back to "
              "0x100; stopped after 2 entries",
              ReadCounts{0, 1, 2});
}

TEST(DiscoveryBroken, ExtendedNextBelow0x100) {
  VectorConfigSpace dev(4096);
  dev.add_extended(0x100, 0x0001, 2, 0x0c0);
  expect_walk(dev, {Capability{kExt, 0x0001, 0x100, 2}},
              "0000:00:03.0: extended capability next pointer 0x0c0 (at 0x100) "
              "points below 0x100; stopped after 1 entry",
              ReadCounts{0, 1, 1});
}

TEST(DiscoveryBroken, ExtendedPointerPastTheEnd) {
  // A 512-byte space (larger than conventional, so walked) with a pointer to 0x300.
  VectorConfigSpace dev(512);
  dev.add_extended(0x100, 0x000d, 1, 0x300);
  expect_walk(dev, {Capability{kExt, 0x000d, 0x100, 1}},
              "0000:00:03.0: extended capability pointer 0x300 (at 0x100) points "
              "past the end of the 512-byte configuration space; stopped after 1 "
              "entry",
              ReadCounts{0, 1, 1});
}

TEST(DiscoveryBroken, ExtendedStartPastTheEnd) {
  VectorConfigSpace dev(258);  // one word beyond conventional: 0x100 has no full dword
  expect_walk(dev, {},
              "0000:00:03.0: extended capability list start 0x100 points past the "
              "end of the 258-byte configuration space; stopped after 0 entries");
}

TEST(DiscoveryBroken, ExtendedPointerToEmptyHeader) {
  VectorConfigSpace dev(4096);
  dev.add_extended(0x100, 0x0001, 2, 0x200);  // 0x200 holds zeros
  expect_walk(dev, {Capability{kExt, 0x0001, 0x100, 2}},
              "0000:00:03.0: extended capability pointer 0x200 (at 0x100) leads to "
              "an empty header; stopped after 1 entry",
              ReadCounts{0, 1, 2});
}

TEST(DiscoveryBroken, ExtendedPointerToAllOnesHeader) {
  VectorConfigSpace dev(4096);
  dev.add_extended(0x100, 0x0001, 2, 0x200);
  dev.put32(0x200, 0xffffffff);
  expect_walk(dev, {Capability{kExt, 0x0001, 0x100, 2}},
              "0000:00:03.0: extended capability pointer 0x200 (at 0x100) leads to "
              "a header reading all ones; stopped after 1 entry");
}

TEST(DiscoveryBroken, ExtendedLimitOf480Entries) {
  // 481 distinct headers, one per dword from 0x100: the walk stops after 480 of them.
  VectorConfigSpace dev(4096);
  for (unsigned i = 0; i < 481; ++i) {
    const unsigned at = 0x100 + 4 * i;
    dev.add_extended(static_cast<std::uint16_t>(at), 0x000b, 1,
                     static_cast<std::uint16_t>(i == 480 ? 0 : at + 4));
  }
  const auto result = discover(dev);
  ASSERT_EQ(result.capabilities.size(), 480U);
  EXPECT_EQ(result.capabilities.back(), (Capability{kExt, 0x000b, 0x100 + 4 * 479, 1}));
  EXPECT_THAT(result.warnings,
              ElementsAre("0000:00:03.0: extended capability list has more than 480 entries; "
                          "stopped after 480 entries (next pointer 0x880 at 0x87c not "
                          "followed)"));
  EXPECT_EQ(dev.reads(), (ReadCounts{0, 1, 480}));
}

TEST(DiscoveryBroken, BothListsBrokenGiveTwoWarnings) {
  auto dev = with_list(4096, 0x40);
  dev.add_standard(0x40, 0x01, 0x40);
  dev.add_extended(0x100, 0x0001, 1, 0x100);
  const auto result = discover(dev);
  EXPECT_THAT(result.capabilities,
              ElementsAre(Capability{kStd, 0x01, 0x40, 0}, Capability{kExt, 0x0001, 0x100, 1}));
  EXPECT_THAT(result.warnings,
              ElementsAre("0000:00:03.0: standard capability list loops back to 0x40; stopped "
                          "after 1 entry",
                          "0000:00:03.0: extended capability list loops back to 0x100; stopped "
                          "after 1 entry"));
}

}  // namespace
}  // namespace capstate::test
