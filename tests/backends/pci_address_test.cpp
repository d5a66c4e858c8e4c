// PciAddress text forms and the -s / -d selectors, including exact error texts.
#include "util/pci_address.hpp"
#include "backend_test_util.hpp"
#include "util/hex.hpp"

namespace capstate::core {
namespace {

using capstate::testing::error_of;
using ::testing::HasSubstr;

TEST(PciAddress, PrintsCanonicalForm) {
  EXPECT_EQ((PciAddress{0, 0, 0x1f, 2}).str(), "0000:00:1f.2");
  EXPECT_EQ((PciAddress{1, 0xab, 3, 7}).str(), "0001:ab:03.7");
  // VMD-style domains beyond 16 bits print all their digits, as sysfs names them.
  EXPECT_EQ((PciAddress{0x10000, 1, 0, 0}).str(), "10000:01:00.0");
}

TEST(PciAddress, ParsesWithAndWithoutDomain) {
  EXPECT_EQ(PciAddress::parse("00:1f.2"), (PciAddress{0, 0, 0x1f, 2}));
  EXPECT_EQ(PciAddress::parse("0000:00:1f.2"), (PciAddress{0, 0, 0x1f, 2}));
  EXPECT_EQ(PciAddress::parse("0001:FF:1F.7"), (PciAddress{1, 0xff, 0x1f, 7}));
  EXPECT_EQ(PciAddress::parse("10000:02:00.0"), (PciAddress{0x10000, 2, 0, 0}));
}

TEST(PciAddress, RejectsMalformedOrOutOfRange) {
  for (const char* bad : {"", "00:1f", "1f.2", "00:20.0", "00:1f.8", "100:00.0", "0:0:0:0.0",
                          "00:1f.2.1", "zz:00.0", "00:1f.", ":00.0", "123456789:00:00.0"}) {
    EXPECT_FALSE(PciAddress::parse(bad).has_value()) << bad;
  }
}

TEST(PciAddress, FromTextThrowsQuotingTextAndForm) {
  EXPECT_EQ(PciAddress::from_text("01:00.0"), (PciAddress{0, 1, 0, 0}));
  EXPECT_EQ(error_of<std::invalid_argument>([] { PciAddress::from_text("00:20.0"); }),
            "invalid PCI address \"00:20.0\": expected [domain:]bus:device.function in hex "
            "(bus 0-ff, device 0-1f, function 0-7), e.g. 0000:00:1f.2 or 01:00.0");
}

TEST(PciAddress, OrdersByDomainBusDeviceFunction) {
  EXPECT_LT((PciAddress{0, 0, 0x1f, 7}), (PciAddress{0, 1, 0, 0}));
  EXPECT_LT((PciAddress{0, 0xff, 0, 0}), (PciAddress{1, 0, 0, 0}));
  EXPECT_LT((PciAddress{0, 0, 2, 0}), (PciAddress{0, 0, 2, 1}));
}

TEST(Selector, SlotForms) {
  Selector s;
  s.parse_slot("0001:02:03.4");
  EXPECT_EQ(s.domain, 1U);
  EXPECT_EQ(s.bus, 2U);
  EXPECT_EQ(s.device, 3U);
  EXPECT_EQ(s.function, 4U);

  s.parse_slot("02:");  // bus only
  EXPECT_FALSE(s.domain.has_value());
  EXPECT_EQ(s.bus, 2U);
  EXPECT_FALSE(s.device.has_value());
  EXPECT_FALSE(s.function.has_value());

  s.parse_slot(".3");  // function only
  EXPECT_FALSE(s.bus.has_value());
  EXPECT_EQ(s.function, 3U);

  s.parse_slot("1f");  // device only
  EXPECT_EQ(s.device, 0x1fU);
  EXPECT_FALSE(s.function.has_value());

  s.parse_slot("*:*:1f.*");
  EXPECT_FALSE(s.domain.has_value());
  EXPECT_FALSE(s.bus.has_value());
  EXPECT_EQ(s.device, 0x1fU);
  EXPECT_FALSE(s.function.has_value());

  s.parse_slot("");
  EXPECT_FALSE(s.device.has_value());
}

TEST(Selector, MatchesAddress) {
  Selector s;
  s.parse_slot("00:1f");
  EXPECT_TRUE(s.matches_address(PciAddress{0, 0, 0x1f, 2}));
  EXPECT_TRUE(s.matches_address(PciAddress{5, 0, 0x1f, 0}));  // domain not given: any
  EXPECT_FALSE(s.matches_address(PciAddress{0, 1, 0x1f, 2}));
  s.parse_slot("0001::.0");
  EXPECT_TRUE(s.matches_address(PciAddress{1, 7, 3, 0}));
  EXPECT_FALSE(s.matches_address(PciAddress{0, 7, 3, 0}));
  EXPECT_FALSE(s.matches_address(PciAddress{1, 7, 3, 1}));
}

TEST(Selector, SlotErrorsNameThePartAndTheForm) {
  Selector s;
  s.parse_slot("01:00.0");
  const std::string form =
      "; expected [[domain:]bus:][device][.function] in hex, e.g. 00:1f.2 or 0000:01:00 "
      "(empty parts and * match anything)";
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_slot("00:20.0"); }),
            "invalid slot \"00:20.0\": device 0x20 is out of range (0-1f)" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_slot("100:00.0"); }),
            "invalid slot \"100:00.0\": bus 0x100 is out of range (0-ff)" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_slot("00:01.8"); }),
            "invalid slot \"00:01.8\": function 0x8 is out of range (0-7)" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_slot("xy:00.0"); }),
            "invalid slot \"xy:00.0\": bus \"xy\" is not a hexadecimal number" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_slot("0:0:0:0"); }),
            "invalid slot \"0:0:0:0\": too many ':'" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_slot("0.1.2"); }),
            "invalid slot \"0.1.2\": too many '.'" + form);
  // A failed parse leaves the previous selection alone.
  EXPECT_EQ(s.bus, 1U);
  EXPECT_EQ(s.device, 0U);
}

TEST(Selector, IdsForms) {
  Selector s;
  EXPECT_FALSE(s.needs_ids());
  s.parse_ids("8086:10d3");
  EXPECT_EQ(s.vendor_id, 0x8086);
  EXPECT_EQ(s.device_id, 0x10d3);
  EXPECT_TRUE(s.needs_ids());
  EXPECT_TRUE(s.matches_ids(0x8086, 0x10d3));
  EXPECT_FALSE(s.matches_ids(0x8086, 0x10d4));

  s.parse_ids("1AF4:");
  EXPECT_EQ(s.vendor_id, 0x1af4);
  EXPECT_FALSE(s.device_id.has_value());
  EXPECT_TRUE(s.matches_ids(0x1af4, 0x1041));
  EXPECT_FALSE(s.matches_ids(0x8086, 0x1041));

  s.parse_ids("*:1041");
  EXPECT_FALSE(s.vendor_id.has_value());
  EXPECT_TRUE(s.matches_ids(0x1af4, 0x1041));

  s.parse_ids(":");
  EXPECT_FALSE(s.needs_ids());
}

TEST(Selector, IdErrors) {
  Selector s;
  const std::string form =
      "; expected [vendor]:[device] in hex, e.g. 8086:10d3 or 1af4: (empty parts and * match "
      "anything)";
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_ids("8086"); }),
            "invalid ID filter \"8086\": missing ':'" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_ids("8086:1:2"); }),
            "invalid ID filter \"8086:1:2\": too many ':'" + form);
  EXPECT_EQ(error_of<std::invalid_argument>([&] { s.parse_ids("18086:10d3"); }),
            "invalid ID filter \"18086:10d3\": vendor 0x18086 is out of range (0-ffff)" + form);
  EXPECT_THAT(error_of<std::invalid_argument>([&] { s.parse_ids("8086:g"); }),
              HasSubstr("device \"g\" is not a hexadecimal number"));
}

// util/hex.hpp writes the hex numbers of every message; the address texts above use it.
TEST(HexText, PrefixedShortestPaddedAndBare) {
  EXPECT_EQ(hex(0), "0x0");
  EXPECT_EQ(hex(0x1f), "0x1f");
  EXPECT_EQ(hex(0xffffffffffffffffULL), "0xffffffffffffffff");
  EXPECT_EQ(hex(0x1f, 4), "0x001f");
  EXPECT_EQ(hex(0x12345, 2), "0x12345");
  EXPECT_EQ(hex(0, 0), "0x0");
  EXPECT_EQ(hex(0x0123456789abcdefULL, 16), "0x0123456789abcdef");
  EXPECT_EQ(hex_digits(0xff), "ff");
  EXPECT_EQ(hex_digits(0), "0");
}

}  // namespace
}  // namespace capstate::core
