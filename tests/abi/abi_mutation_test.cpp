// Mutation tests: change one thing in a copy of the real pcie schema-2 layout and check that both
// guards catch it: compare_abi against the committed abi/pcie/schema-2.txt, and the record
// fingerprint check (a record written with the original layout, read with the mutated one).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "abi/abi_compare.hpp"
#include "abi_test_util.hpp"
#include "engine/layout_text.hpp"
#include "migration/migrate.hpp"
#include "pcie_layout.hpp"

namespace capstate::abitest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

/// A plugin named "pcie" serving the real schema 1 and a given schema 2 layout.
class MutatedPcie final : public Plugin {
 public:
  explicit MutatedPcie(std::vector<Field> fields, Encoding encoding = Encoding::present_fields)
      : fields_(std::move(fields)) {
    layouts_[0] = pcie::kLayouts[0];
    layouts_[1] = Layout{.schema_version = 2, .encoding = encoding, .fields = fields_};
  }
  PluginInfo info() const override {
    return {.name = "pcie",
            .version = "9.9-test",
            .summary = "mutated copy",
            .claims = kHandles,
            .current_schema = 2,
            .oldest_schema = 1,
            .restore_phase = pcie::kRestorePhase};
  }
  std::span<const Layout> layouts() const override { return layouts_; }
  /// The mutated schema 2 layout.
  const Layout& schema2() const { return layouts_[1]; }

 private:
  static constexpr std::array<Claim, 1> kHandles{{{.kind = CapKind::standard, .id = 0x10}}};
  std::vector<Field> fields_;
  std::array<Layout, 2> layouts_{};
};

struct Mutation {
  const char* name;                                 // test label
  std::function<void(std::vector<Field>&)> change;  // the one change
  std::string field;                                // field the report must name
  std::string build_fragment;                       // text the report must quote from the build
};

// Prints a mutation by its label (gtest would otherwise dump its bytes).
[[maybe_unused]] void PrintTo(const Mutation& m, std::ostream* os) {
  *os << m.name;
}

std::vector<Field> original_fields() {
  return {pcie::kSchema2Fields.begin(), pcie::kSchema2Fields.end()};
}

Field& named(std::vector<Field>& fields, std::string_view name) {
  for (Field& f : fields) {
    if (f.name == name) {
      return f;
    }
  }
  throw std::logic_error("no field " + std::string(name));
}

const std::vector<Mutation>& mutations() {
  static const std::vector<Mutation> list{
      {"MoveField", [](auto& f) { named(f, "link_control").offset = 0x12; }, "link_control",
       "field link_control offset=0x0012 width=16"},
      {"ChangeWidth", [](auto& f) { named(f, "device_control").width = Width::dword; },
       "device_control", "field device_control offset=0x0008 width=32"},
      {"ChangeWritableMask", [](auto& f) { named(f, "slot_control").writable = 0x7fff; },
       "slot_control", "writable=0x00007fff"},
      {"ChangeW1cMask", [](auto& f) { named(f, "root_control").w1c = 0x0001; }, "root_control",
       "w1c=0x00000001"},
      {"ChangeVerifyMask", [](auto& f) { named(f, "device_control2").verify = 0x07ff; },
       "device_control2", "verify=0x000007ff"},
      {"DropField", [](auto& f) { f.erase(f.begin() + 4); }, "root_control",
       "build 'field device_control2 offset=0x0028"},
      {"AddFieldWithoutBump",
       [](auto& f) {
         f.push_back({.name = "slot_control2", .offset = 0x38, .width = Width::word});
       },
       "slot_control2", "build 'field slot_control2 offset=0x0038"},
      {"ChangePresence",
       [](auto& f) { named(f, "link_control2").presence = pcie::when(pcie::kVersion2); },
       "link_control2", "present=[(reg16@0x0002 & 0x0000000f) >> 0 >= 2]'"},
      {"ChangePhase", [](auto& f) { named(f, "link_control_aspm").phase = 0; }, "link_control_aspm",
       "phase=0 present="},
  };
  return list;
}

core::PluginAbi committed_pcie() {
  return core::read_abi_baseline_plugin(committed_baseline() / "pcie").abi;
}

// A record as the original (released) schema 2 wrote it.
Record original_record() {
  Record rec;
  rec.capability = {.kind = CapKind::standard, .id = 0x10, .offset = 0x40};
  rec.plugin = "pcie";
  rec.schema_version = 2;
  rec.fingerprint = core::layout_fingerprint("pcie", pcie::kLayouts[1]);
  return rec;
}

TEST(AbiMutation, UnmutatedCopyMatchesTheCommittedBaselineAndItsRecords) {
  const MutatedPcie plugin(original_fields());
  const core::PluginAbi now = core::abi_from_plugin(plugin);
  EXPECT_THAT(core::compare_abi(committed_pcie(), &now, {}), IsEmpty());
  EXPECT_NO_THROW(core::check_record(plugin, original_record(), "capstate 0.1.0"));
}

class AbiMutationEach : public ::testing::TestWithParam<Mutation> {};

TEST_P(AbiMutationEach, CompareAbiNamesPluginVersionAndField) {
  std::vector<Field> fields = original_fields();
  GetParam().change(fields);
  const MutatedPcie plugin(fields);
  const core::PluginAbi now = core::abi_from_plugin(plugin);
  const auto problems = core::compare_abi(committed_pcie(), &now, {});
  ASSERT_THAT(problems, ElementsAre(HasSubstr("plugin 'pcie' schema 2: released layout changed "
                                              "at field '" +
                                              GetParam().field + "'")));
  EXPECT_THAT(problems[0], HasSubstr(GetParam().build_fragment));
  EXPECT_THAT(problems[0], HasSubstr("add schema 3 with a migration step instead"));
}

TEST_P(AbiMutationEach, FingerprintCheckRefusesTheOriginalRecord) {
  std::vector<Field> fields = original_fields();
  GetParam().change(fields);
  const MutatedPcie plugin(fields);
  try {
    core::check_record(plugin, original_record(), "capstate 0.1.0");
    FAIL() << "check_record accepted a record of the unmutated layout";
  } catch (const core::MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("plugin 'pcie' schema 2"));
    EXPECT_THAT(e.what(), HasSubstr("layout changed without a version bump"));
  }
}

INSTANTIATE_TEST_SUITE_P(Pcie, AbiMutationEach, ::testing::ValuesIn(mutations()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AbiMutation, ChangedEncodingIsReportedByLine) {
  const MutatedPcie plugin(original_fields(), Encoding::all_fields);
  const core::PluginAbi now = core::abi_from_plugin(plugin);
  EXPECT_THAT(core::compare_abi(committed_pcie(), &now, {}),
              ElementsAre(HasSubstr("plugin 'pcie' schema 2: released layout changed at line 4: "
                                    "baseline 'encoding present_fields', build 'encoding "
                                    "all_fields'")));
  EXPECT_THROW(core::check_record(plugin, original_record(), "capstate 0.1.0"),
               core::MigrationError);
}

}  // namespace
}  // namespace capstate::abitest
