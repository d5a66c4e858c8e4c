// CapabilityNames: the shipped data file, fallback text, lookup order and load errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "discovery/capability_names.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

namespace capstate::test {
namespace {

using core::CapabilityNames;
using core::CapabilityNamesError;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

const fs::path kDataFile = CAPSTATE_SOURCE_DIR "/data/capability-names.toml";

constexpr CapabilityId std_id(std::uint16_t id) {
  return {CapKind::standard, id};
}
constexpr CapabilityId ext_id(std::uint16_t id) {
  return {CapKind::extended, id};
}

// A scratch directory removed at the end of each test.
class CapabilityNamesFiles : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("CAPSTATE_DATA_DIR"); }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path file = dir_ / name;
    testsupport::write_text(file, text);
    return file;
  }
  testsupport::TempDir tmp_;
  fs::path dir_ = tmp_.path();
};

TEST(CapabilityNames, ShippedFileNamesKnownCapabilities) {
  const auto names = CapabilityNames::load(kDataFile);
  EXPECT_EQ(names.source(), kDataFile);
  EXPECT_EQ(names.name(std_id(0x01)), "Power Management");
  EXPECT_EQ(names.name(std_id(0x05)), "MSI");
  EXPECT_EQ(names.name(std_id(0x10)), "PCI Express");
  EXPECT_EQ(names.name(std_id(0x11)), "MSI-X");
  EXPECT_EQ(names.name(std_id(0x09)), "Vendor Specific");
  EXPECT_EQ(names.name(ext_id(0x01)), "Advanced Error Reporting");
  EXPECT_EQ(names.name(ext_id(0x03)), "Device Serial Number");
  EXPECT_EQ(names.name(ext_id(0x18)), "Latency Tolerance Reporting");
  EXPECT_EQ(names.name(ext_id(0x1e)), "L1 PM Substates");
}

TEST(CapabilityNames, ShippedFileCoversEveryReferenceId) {
  // The IDs listed in REFERENCE.md A5 (from the kernel's pci_regs.h).
  const auto names = CapabilityNames::load(kDataFile);
  for (std::uint16_t id = 0x01; id <= 0x14; ++id) {
    EXPECT_TRUE(names.contains(std_id(id))) << "standard " << id;
  }
  for (std::uint16_t id :
       {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
        0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
        0x1b, 0x1d, 0x1e, 0x1f, 0x23, 0x24, 0x25, 0x26, 0x29, 0x2a, 0x2e}) {
    EXPECT_TRUE(names.contains(ext_id(id))) << "extended " << id;
  }
}

TEST(CapabilityNames, UnknownFallbackText) {
  const auto names = CapabilityNames::load(kDataFile);
  EXPECT_EQ(names.name(std_id(0x7e)), "unknown standard capability 0x7e");
  EXPECT_EQ(names.name(ext_id(0x0abc)), "unknown extended capability 0x0abc");
  const CapabilityNames empty;
  EXPECT_EQ(empty.size(), 0U);
  EXPECT_EQ(empty.name(std_id(0x01)), "unknown standard capability 0x01");
  EXPECT_EQ(empty.name(ext_id(0x18)), "unknown extended capability 0x0018");
}

TEST(CapabilityNames, BuildTreeHoldsACopyOfTheDataFile) {
  const fs::path copy = CAPSTATE_BINARY_DIR "/share/capstate/capability-names.toml";
  ASSERT_TRUE(fs::exists(copy));
  EXPECT_EQ(CapabilityNames::load(copy).size(), CapabilityNames::load(kDataFile).size());
}

TEST_F(CapabilityNamesFiles, DefaultFindsFileNextToTheProgram) {
  ::unsetenv("CAPSTATE_DATA_DIR");
  // Test binaries live in <build>/tests, so <exe>/../share/capstate is the build tree's copy.
  const auto found = CapabilityNames::find_default_file(std::nullopt);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(fs::weakly_canonical(*found),
            fs::weakly_canonical(CAPSTATE_BINARY_DIR "/share/capstate/capability-names.toml"));
  EXPECT_EQ(CapabilityNames::load_default(std::nullopt).name(std_id(0x11)), "MSI-X");
}

TEST_F(CapabilityNamesFiles, DataDirEnvironmentValueComesFirst) {
  write("capability-names.toml", "[standard]\n\"0x11\" = \"Renamed\"\n");
  const auto names = CapabilityNames::load_default(dir_.string());
  EXPECT_EQ(names.source(), dir_ / "capability-names.toml");
  EXPECT_EQ(names.name(std_id(0x11)), "Renamed");
  EXPECT_EQ(names.name(std_id(0x10)), "unknown standard capability 0x10");
}

TEST_F(CapabilityNamesFiles, BadTomlNamesFileLineAndColumn) {
  const auto file = write("bad.toml", "[standard]\n\"0x01\" = \"ok\"\n\"0x02\" = \n");
  EXPECT_THAT([&] { CapabilityNames::load(file); },
              ::testing::ThrowsMessage<CapabilityNamesError>(HasSubstr(file.string() + ":3:")));
  try {
    CapabilityNames::load(file);
  } catch (const CapabilityNamesError& e) {
    EXPECT_THAT(e.what(), HasSubstr("TOML syntax error"));
  }
}

TEST_F(CapabilityNamesFiles, WrongValueTypeNamesLineAndColumn) {
  const auto file = write("type.toml", "[standard]\n\"0x01\" = \"ok\"\n\"0x05\" = 5\n");
  EXPECT_THAT([&] { CapabilityNames::load(file); },
              ::testing::ThrowsMessage<CapabilityNamesError>(
                  file.string() +
                  ":3:10: the name of standard capability '0x05' must be a non-empty string"));
}

TEST_F(CapabilityNamesFiles, BadKeyAndUnknownTable) {
  const auto key = write("key.toml", "[extended]\n\"18\" = \"LTR?\"\n");
  EXPECT_THAT([&] { CapabilityNames::load(key); },
              ::testing::ThrowsMessage<CapabilityNamesError>(
                  key.string() + ":2:1: key '18' in [extended] is not a hex capability ID "
                                 "(expected \"0x00\"..\"0xffff\")"));
  const auto big = write("big.toml", "[standard]\n\"0x100\" = \"too big\"\n");
  EXPECT_THAT([&] { CapabilityNames::load(big); },
              ::testing::ThrowsMessage<CapabilityNamesError>(
                  HasSubstr(":2:1: key '0x100' in [standard] is not a hex capability ID")));
  const auto table = write("table.toml", "[standrad]\n\"0x01\" = \"x\"\n");
  EXPECT_THAT([&] { CapabilityNames::load(table); },
              ::testing::ThrowsMessage<CapabilityNamesError>(HasSubstr(
                  ":1:2: unexpected key 'standrad'; only the tables [standard] and [extended]")));
  const auto dup = write("dup.toml", "[standard]\n\"0x01\" = \"a\"\n\"0x001\" = \"b\"\n");
  EXPECT_THAT([&] { CapabilityNames::load(dup); },
              ::testing::ThrowsMessage<CapabilityNamesError>(HasSubstr(
                  ":3:1: key '0x001' names the same standard capability as '0x01' on line 2; "
                  "keep one of them")));
}

TEST_F(CapabilityNamesFiles, MissingFileSaysWhatToDo) {
  EXPECT_THAT([&] { CapabilityNames::load(dir_ / "none.toml"); },
              ::testing::ThrowsMessage<CapabilityNamesError>(
                  (dir_ / "none.toml").string() +
                  ": capability-names file not found or not a regular file; check the path or "
                  "set CAPSTATE_DATA_DIR"));
}

}  // namespace
}  // namespace capstate::test
