// The backends' errors carry their type and fields: a malformed dump (file, line), a malformed
// address or selector (the text), a missing sysfs root or a wrong-sized image (FileError).
#include <cerrno>

#include "backend_test_util.hpp"
#include "backends/dump_format.hpp"
#include "backends/image_source.hpp"
#include "backends/sysfs_source.hpp"
#include "util/file_error.hpp"
#include "util/pci_address.hpp"

namespace capstate::core {
namespace {

using capstate::testing::TempDir;
using capstate::testing::write_bytes;
using ::testing::StartsWith;

// The exception of type E that `f` throws; fails the test when it throws nothing or another type.
template <typename E, typename F>
E caught(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  ADD_FAILURE() << "nothing thrown";
  throw std::logic_error("nothing thrown");
}

TEST(DumpFormatError, NamesFileAndLineOfTheBadRow) {
  const auto e = caught<DumpFormatError>(
      [] { (void)parse_dump("00:01.0 Host bridge\n00: 86 80 zz\n", "d.txt"); });
  EXPECT_EQ(e.file(), "d.txt");
  EXPECT_EQ(e.line(), 2U);
  EXPECT_STREQ(e.what(), "d.txt:2: 3 bytes on a data line (expected 16)");
}

TEST(DumpFormatError, ABlockOfTheWrongSizeNamesItsAddressLine) {
  std::string text = "\n00:01.0 Host bridge\n";
  for (int row = 0; row < 5; ++row) {
    text += std::to_string(row) + "0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";
  }
  const auto e = caught<DumpFormatError>([&] { (void)parse_dump(text, "d.txt"); });
  EXPECT_EQ(e.line(), 2U);
  EXPECT_THAT(e.what(), StartsWith("d.txt:2: device 0000:00:01.0 has 80 bytes"));
}

TEST(DumpFormatError, NoDeviceAtAllHasLineZero) {
  const auto e = caught<DumpFormatError>([] { (void)parse_dump("\n", "d.txt"); });
  EXPECT_EQ(e.line(), 0U);
  EXPECT_THAT(e.what(), StartsWith("d.txt: no device found; "));
}

TEST(AddressTextError, KeepsTheTextGiven) {
  Selector s;
  const auto slot = caught<AddressTextError>([&] { s.parse_slot("1:2:3:4"); });
  EXPECT_EQ(slot.text(), "1:2:3:4");
  EXPECT_THAT(slot.what(), StartsWith("invalid slot \"1:2:3:4\": too many ':'; "));
  const auto ids = caught<AddressTextError>([&] { s.parse_ids("8086:zz"); });
  EXPECT_EQ(ids.text(), "8086:zz");
  const auto address = caught<AddressTextError>([] { (void)PciAddress::from_text("00:20.0"); });
  EXPECT_EQ(address.text(), "00:20.0");
}

TEST(SysfsSourceErrors, MissingRootIsAFileErrorAboutTheRoot) {
  TempDir tmp;
  const auto e = caught<FileError>([&] { (void)SysfsSource(tmp / "nope").addresses(); });
  EXPECT_EQ(e.path(), tmp / "nope");
  EXPECT_EQ(e.error_number(), 0);
}

TEST(ImageSourceErrors, WrongSizeIsAFileErrorAboutTheImage) {
  TempDir tmp;
  write_bytes(tmp / "img.bin", std::vector<std::uint8_t>(300, 0));
  const auto e = caught<FileError>([&] { ImageSource source(tmp / "img.bin", PciAddress{}); });
  EXPECT_EQ(e.path(), tmp / "img.bin");
  EXPECT_EQ(std::string(e.what()), (tmp / "img.bin").string() +
                                       ": raw image is 300 bytes; expected exactly 256 "
                                       "(conventional) or 4096 (extended configuration space)");
}

}  // namespace
}  // namespace capstate::core
