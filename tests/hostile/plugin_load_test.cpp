// Plugins whose layouts declare overlapping or out-of-range fields are refused when loaded, with
// a reason naming the plugin and the fields; the misbehaving-at-runtime ones load normally.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hostile_support.hpp"

namespace capstate::hostile {
namespace {

using ::testing::HasSubstr;

const core::PluginEntry* entry(const core::Registry& registry, const std::string& dir) {
  for (const core::PluginEntry& e : registry.entries()) {
    if (e.file.parent_path().filename() == dir) {
      return &e;
    }
  }
  return nullptr;
}

TEST(HostilePluginLoad, OverlappingFieldsAreRefusedNamingPluginAndFields) {
  const core::Registry registry = registry_with("overlap");
  const core::PluginEntry* e = entry(registry, "overlap");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status, core::PluginStatus::refused);
  EXPECT_EQ(e->reason,
            "metadata malformed: plugin 'overlap' schema 1 field 1 'ctrl' (bytes 0x1..0x1, "
            "writable 0x1) overlaps field 'header' (bytes 0x0..0x1, writable 0x300) and both "
            "restore the same bits; give each writable bit to one field only, or make their "
            "presence conditions exclusive (variants)");
  EXPECT_EQ(registry.find("overlap"), nullptr);
}

TEST(HostilePluginLoad, OutOfRangeFieldsAreRefusedNamingPluginAndField) {
  const core::Registry registry = registry_with("out-of-range");
  const core::PluginEntry* e = entry(registry, "out-of-range");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status, core::PluginStatus::refused);
  EXPECT_EQ(e->reason,
            "metadata malformed: plugin 'out-of-range' schema 1 field 1 'ctrl': offset 0x1000 + "
            "width 2 is beyond 4096");
}

TEST(HostilePluginLoad, RuntimeMisbehaviourIsNotVisibleAtLoad) {
  for (const std::string name : {"tame", "throw-save", "throw-restore", "stray-extra", "wide-value",
                                 "far-offset", "huge-extra", "throw-int"}) {
    const core::Registry registry = registry_with(name);
    const core::PluginEntry* e = entry(registry, name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->status, core::PluginStatus::loaded) << name << ": " << e->reason;
  }
}

TEST(HostilePluginLoad, InTreePluginsPassTheOverlapCheck) {
  const core::Registry registry = registry_with("");
  for (const std::string name :
       {"header", "pm", "pcie", "msi", "msix", "ltr", "acs", "dpc", "ptm", "pcix"}) {
    const core::PluginEntry* e = registry.find(name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->status, core::PluginStatus::loaded) << name << ": " << e->reason;
  }
}

}  // namespace
}  // namespace capstate::hostile
