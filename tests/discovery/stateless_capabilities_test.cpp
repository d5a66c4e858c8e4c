// StatelessCapabilities: the shipped data file (data/capability-stateless.toml), its build-tree
// copy, the lookup order and the load errors, which it shares with the capability-names file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "discovery/capability_names.hpp"
#include "discovery/stateless_capabilities.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

namespace capstate::test {
namespace {

using core::CapabilityDataError;
using core::StatelessCapabilities;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

const fs::path kDataFile = CAPSTATE_SOURCE_DIR "/data/capability-stateless.toml";

constexpr CapabilityId std_id(std::uint16_t id) {
  return {CapKind::standard, id};
}
constexpr CapabilityId ext_id(std::uint16_t id) {
  return {CapKind::extended, id};
}

std::string reason_or_none(const StatelessCapabilities& marks, CapabilityId id) {
  const std::string* reason = marks.reason(id);
  return reason == nullptr ? "<none>" : *reason;
}

TEST(StatelessCapabilities, ShippedFileMarksReadOnlyAndVendorCapabilities) {
  const auto marks = StatelessCapabilities::load(kDataFile);
  EXPECT_EQ(marks.source(), kDataFile);
  EXPECT_EQ(marks.size(), 24U);
  EXPECT_EQ(reason_or_none(marks, ext_id(0x0003)),
            "read-only identification: the device's 64-bit serial number");
  EXPECT_EQ(reason_or_none(marks, std_id(0x0d)),
            "read-only: the bridge's subsystem vendor and subsystem IDs");
  // The three vendor-specific forms carry the same reason.
  const std::string vendor =
      "vendor-defined layout: which bits are state only the vendor knows; a vendor plugin "
      "restores it";
  EXPECT_EQ(reason_or_none(marks, std_id(0x09)), vendor);
  EXPECT_EQ(reason_or_none(marks, ext_id(0x000b)), vendor);
  EXPECT_EQ(reason_or_none(marks, ext_id(0x0023)), vendor);
  // The same ID in the other list is another capability (standard 0x03 is VPD, extended 0x0003
  // the serial number; extended 0x0009 is VC, standard 0x09 vendor-specific).
  EXPECT_THAT(reason_or_none(marks, std_id(0x03)), HasSubstr("VPD storage"));
  EXPECT_EQ(marks.reason(ext_id(0x0009)), nullptr);
}

// The capabilities whose state the kernel saves or rebuilds (REFERENCE-capabilities.md, section
// 1) and that the plugins own, or will: none of them may be marked.
TEST(StatelessCapabilities, ShippedFileMarksNoCapabilityWithState) {
  const auto marks = StatelessCapabilities::load(kDataFile);
  // PM, MSI, PCI-X, PCI Express, MSI-X.
  for (std::uint16_t id : {0x01, 0x05, 0x07, 0x10, 0x11}) {
    EXPECT_EQ(marks.reason(std_id(id)), nullptr) << "standard " << id;
  }
  // AER, VC, MFVC, VC9, ACS, ATS, SR-IOV, PRI, ReBAR, TPH, LTR, PASID, DPC, L1SS, PTM, VF ReBAR.
  for (std::uint16_t id : {0x01, 0x02, 0x08, 0x09, 0x0d, 0x0f, 0x10, 0x13, 0x15, 0x17, 0x18, 0x1b,
                           0x1d, 0x1e, 0x1f, 0x24}) {
    EXPECT_EQ(marks.reason(ext_id(id)), nullptr) << "extended " << id;
  }
}

// Every marked ID has a name, so discover never shows a reason next to "unknown ... capability".
TEST(StatelessCapabilities, EveryMarkedCapabilityHasAName) {
  const auto names = core::CapabilityNames::load(CAPSTATE_SOURCE_DIR "/data/capability-names.toml");
  const auto marks = StatelessCapabilities::load(kDataFile);
  std::size_t named = 0;
  for (unsigned id = 0; id <= 0xffff; ++id) {
    const auto narrow = static_cast<std::uint16_t>(id);
    if (id <= 0xff && marks.reason(std_id(narrow)) != nullptr) {
      EXPECT_TRUE(names.contains(std_id(narrow))) << "standard " << id;
      ++named;
    }
    if (marks.reason(ext_id(narrow)) != nullptr) {
      EXPECT_TRUE(names.contains(ext_id(narrow))) << "extended " << id;
      ++named;
    }
  }
  EXPECT_EQ(named, marks.size());
}

TEST(StatelessCapabilities, BuildTreeHoldsACopyFoundNextToTheProgram) {
  const fs::path copy = CAPSTATE_BINARY_DIR "/share/capstate/capability-stateless.toml";
  ASSERT_TRUE(fs::exists(copy));
  EXPECT_EQ(StatelessCapabilities::load(copy).size(),
            StatelessCapabilities::load(kDataFile).size());
  // Test binaries live in <build>/tests, so <exe>/../share/capstate is the build tree's copy.
  const auto found = StatelessCapabilities::find_default_file(std::nullopt);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(fs::weakly_canonical(*found), fs::weakly_canonical(copy));
}

TEST(StatelessCapabilities, DataDirValueComesFirstAndEachFileIsLookedUpOnItsOwn) {
  testsupport::TempDir tmp;
  testsupport::write_text(tmp / "capability-stateless.toml",
                          "[extended]\n\"0x0003\" = \"site reason\"\n");
  const auto marks = StatelessCapabilities::load_default(tmp.path().string());
  EXPECT_EQ(marks.source(), tmp / "capability-stateless.toml");
  EXPECT_EQ(reason_or_none(marks, ext_id(0x0003)), "site reason");
  EXPECT_EQ(marks.reason(ext_id(0x0004)), nullptr);
  // A data directory with only a names file: the marks come from the next place.
  testsupport::TempDir names_only;
  testsupport::write_text(names_only / "capability-names.toml", "[standard]\n\"0x11\" = \"X\"\n");
  const auto found = StatelessCapabilities::find_default_file(names_only.path().string());
  ASSERT_TRUE(found.has_value());
  EXPECT_NE(found->parent_path(), names_only.path());
}

TEST(StatelessCapabilities, LoadErrorsNameFileLineColumnAndTheReason) {
  testsupport::TempDir tmp;
  const fs::path empty = tmp / "empty.toml";
  testsupport::write_text(empty, "[standard]\n\"0x03\" = \"\"\n");
  EXPECT_THAT([&] { StatelessCapabilities::load(empty); },
              ::testing::ThrowsMessage<CapabilityDataError>(
                  empty.string() +
                  ":2:10: the reason of standard capability '0x03' must be a non-empty string"));
  const fs::path table = tmp / "table.toml";
  testsupport::write_text(table, "extended = 3\n");
  EXPECT_THAT([&] { StatelessCapabilities::load(table); },
              ::testing::ThrowsMessage<CapabilityDataError>(
                  HasSubstr(":1:12: 'extended' must be a table of ID = \"reason\" entries")));
  EXPECT_THAT([&] { StatelessCapabilities::load(tmp / "none.toml"); },
              ::testing::ThrowsMessage<CapabilityDataError>(
                  (tmp / "none.toml").string() +
                  ": capability-stateless file not found or not a regular file; check the path "
                  "or set CAPSTATE_DATA_DIR"));
  const StatelessCapabilities none;
  EXPECT_EQ(none.size(), 0U);
  EXPECT_EQ(none.reason(ext_id(0x0003)), nullptr);
}

}  // namespace
}  // namespace capstate::test
