// Tests of the header plugin's address decoding: BARs, ROM and bridge windows from saved fields,
// compared with the kernel's resources, and the kernel's assignment encoded back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "address_check.hpp"

namespace capstate::header {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> labels(const std::vector<SavedRange>& ranges) {
  std::vector<std::string> out;
  for (const SavedRange& r : ranges) {
    char text[96];
    std::snprintf(text, sizeof text, "%s@%zu %llx-%llx%s", r.label.c_str(), r.resource,
                  static_cast<unsigned long long>(r.start), static_cast<unsigned long long>(r.end),
                  r.enabled ? "" : " off");
    out.push_back(text);
  }
  return out;
}

// The PLX PEX8532 downstream port's saved header (tests/data/real): lspci reads its windows as
// I/O 00000000-00000fff, memory 80600000-806fffff, prefetchable 80b00000-80bfffff.
const std::vector<SavedField> kPlx{{"io_upper", 0x0, true},
                                   {"prefetchable_limit_upper", 0x0, true},
                                   {"prefetchable_base_upper", 0x0, true},
                                   {"prefetchable_base_limit", 0x80b180b1, true},
                                   {"memory_base_limit", 0x80608060, true},
                                   {"io_base_limit", 0x0101, true},
                                   {"bus_numbers", 0x161612, true},
                                   {"bar1", 0x0, true},
                                   {"bar0", 0x0, true},
                                   {"rom_bridge", 0x0, true}};

TEST(AddressCheck, BridgeWindowsDecodeAsLspciShowsThem) {
  // 11 lines: BARs, ROM, then the four bridge windows (a kernel without SR-IOV).
  EXPECT_THAT(
      labels(saved_ranges(kPlx, 11)),
      ElementsAre("BAR 0@0 0-0", "BAR 1@1 0-0", "Expansion ROM@6 0-0", "I/O window@7 0-fff",
                  "memory window@8 80600000-806fffff", "prefetchable window@9 80b00000-80bfffff"));
  // 17 lines (SR-IOV lines 7-12): the windows are the last four.
  EXPECT_EQ(saved_ranges(kPlx, 17).back().resource, 15U);
  // Too few lines to hold windows: only BARs and ROM.
  EXPECT_EQ(saved_ranges(kPlx, 7).size(), 3U);
}

TEST(AddressCheck, A64BitBarIsOneRange) {
  const std::vector<SavedField> f{
      {"bar0", 0xb420000c, true}, {"bar1", 0x2, true}, {"bar2", 0xc001, true}};
  EXPECT_THAT(labels(saved_ranges(f, 7)), ElementsAre("BAR 0@0 2b4200000-0", "BAR 2@2 c000-0"));
}

TEST(AddressCheck, KernelAgreementAndDisabledWindows) {
  const std::vector<SavedRange> r = saved_ranges(kPlx, 11);
  EXPECT_TRUE(kernel_agrees(r[4], {0x80600000, 0x806fffff, 0x200}));
  EXPECT_FALSE(kernel_agrees(r[4], {0x80700000, 0x807fffff, 0x200}));
  EXPECT_FALSE(kernel_agrees(r[4], {}));
  EXPECT_TRUE(kernel_agrees(r[0], {}));  // unassigned and saved 0
  EXPECT_FALSE(kernel_agrees(r[0], {0x1000, 0x1fff, 0x200}));
  SavedRange off = r[4];
  off.enabled = false;
  EXPECT_TRUE(kernel_agrees(off, {0x80700000, 0x807fffff, 0x200}));
}

// Encoding the kernel's resource and decoding it again gives the resource.
TEST(AddressCheck, KernelValuesRoundTrip) {
  const std::vector<SavedRange> r = saved_ranges(kPlx, 11);
  const KernelResource io{0x3000, 0x4fff, 0x100};
  const KernelResource mem{0x90000000, 0x902fffff, 0x200};
  const KernelResource pref{0x4000000000, 0x40001fffff, 0x2200};
  std::vector<SavedField> moved = kPlx;
  const auto set = [&](const std::vector<FieldValue>& values) {
    for (const FieldValue& v : values) {
      for (SavedField& f : moved) {
        if (f.name == v.field) {
          // keep the read-only type nibbles, as the writable masks do on the device
          const std::uint32_t keep = f.name == "io_base_limit"             ? 0x0f0fU
                                     : f.name == "prefetchable_base_limit" ? 0x000f000fU
                                     : f.name == "memory_base_limit"       ? 0x000f000fU
                                                                           : 0U;
          f.value = (f.value & keep) | (v.value & ~keep);
        }
      }
    }
  };
  set(kernel_values(r[3], io, kPlx));
  set(kernel_values(r[4], mem, kPlx));
  set(kernel_values(r[5], pref, kPlx));
  EXPECT_THAT(labels(saved_ranges(moved, 11)),
              ElementsAre("BAR 0@0 0-0", "BAR 1@1 0-0", "Expansion ROM@6 0-0",
                          "I/O window@7 3000-4fff", "memory window@8 90000000-902fffff",
                          "prefetchable window@9 4000000000-40001fffff"));
}

TEST(AddressCheck, BarEncodingKeepsTypeBits) {
  const std::vector<SavedField> f{{"bar0", 0xb420000c, true}, {"bar1", 0x0, true}};
  const std::vector<SavedRange> r = saved_ranges(f, 7);
  const std::vector<FieldValue> v = kernel_values(r[0], {0x3fe000000, 0x3fe00ffff, 0x140204}, f);
  ASSERT_EQ(v.size(), 2U);
  EXPECT_EQ(v[0].field, "bar1");
  EXPECT_EQ(v[0].value, 0x3U);
  EXPECT_EQ(v[1].field, "bar0");
  EXPECT_EQ(v[1].value, 0xfe00000cU);
  EXPECT_TRUE(kernel_values(r[0], {}, f).empty());  // unassigned: the BAR is not written
}

}  // namespace
}  // namespace capstate::header
