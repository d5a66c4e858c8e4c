// Misbehaving plugins (real shared libraries) during save and restore planning, under each
// plugin_failure mode: "abort" fails everything, "device" leaves out the device, "capability"
// only the capability; every error names the plugin, the device and what was left out, and a
// device left out is never written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/plugin_call.hpp"
#include "hostile_support.hpp"
#include "statefile/codec.hpp"

namespace capstate::hostile {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Mode = core::PluginFailureMode;

// 0000:00:01.0 has no Power Management capability; 01:00.0 has it at 0xc8 (where the hostile
// plugins misbehave), 02:00.0 at 0x60. The hostile plugins claim it in place of the in-tree pm
// (registry_with); the other in-tree plugins, header included, save and restore as usual.
const std::vector<std::string> kDevices = {"0000:00:01.0", "0000:01:00.0", "0000:02:00.0"};
const std::string kBad = "0000:01:00.0";

std::vector<std::string> section_addresses(const core::StateFile& f) {
  std::vector<std::string> out;
  for (const core::DeviceSection& s : f.devices) {
    out.push_back(s.address.str());
  }
  return out;
}

std::vector<std::string> plugins_of(const core::DeviceSection& s) {
  std::vector<std::string> out;
  for (const Record& r : s.records) {
    out.push_back(r.plugin);
  }
  return out;
}

std::string save_error(const std::string& plugin) {
  try {
    save_q35(kDevices, plugin, Mode::abort);
  } catch (const core::PluginFailure& e) {
    return e.what();
  }
  return "";
}

TEST(HostileSave, ParseMode) {
  EXPECT_EQ(core::parse_plugin_failure_mode("abort"), Mode::abort);
  EXPECT_EQ(core::parse_plugin_failure_mode("device"), Mode::device);
  EXPECT_EQ(core::parse_plugin_failure_mode("capability"), Mode::capability);
  EXPECT_EQ(core::parse_plugin_failure_mode("Device"), std::nullopt);
}

TEST(HostileSave, AbortNamesThePluginDeviceAndCapability) {
  EXPECT_EQ(save_error("throw-save"),
            "plugin 'throw-save' failed while saving standard capability 0x01 at 0x0c8 on "
            "0000:01:00.0: hostile save_extra exploded");
  EXPECT_EQ(save_error("stray-extra"),
            "plugin 'stray-extra' failed while saving standard capability 0x01 at 0x0c8 on "
            "0000:01:00.0: it returned 3 extra bytes, but its schema 1 declares no extra data; "
            "the plugin is broken");
  EXPECT_EQ(save_error("huge-extra"),
            "plugin 'huge-extra' failed while saving standard capability 0x01 at 0x0c8 on "
            "0000:01:00.0: it returned 2097152 extra bytes, more than the 1048576 a record may "
            "hold; the plugin is broken");
}

TEST(HostileSave, DeviceModeLeavesOutTheWholeDevice) {
  core::SaveReport report;
  const core::StateFile f = save_q35(kDevices, "throw-save", Mode::device, &report);
  EXPECT_EQ(section_addresses(f), (std::vector<std::string>{"0000:00:01.0", "0000:02:00.0"}));
  EXPECT_EQ(plugins_of(f.devices[1]),
            (std::vector<std::string>{"header", "msix", "pcie", "throw-save"}));
  ASSERT_EQ(report.left_out.size(), 1U);
  EXPECT_EQ(report.left_out[0],
            "0000:01:00.0: device left out of the state file (a plugin failed; policy "
            "plugin_failure = \"device\"): plugin 'throw-save' failed while saving standard "
            "capability 0x01 at 0x0c8 on 0000:01:00.0: hostile save_extra exploded");
  EXPECT_NO_THROW(core::encode_state(f));
}

TEST(HostileSave, CapabilityModeLeavesOutOnlyTheCapability) {
  for (const std::string plugin : {"throw-save", "stray-extra", "huge-extra"}) {
    core::SaveReport report;
    const core::StateFile f = save_q35(kDevices, plugin, Mode::capability, &report);
    ASSERT_EQ(section_addresses(f), kDevices) << plugin;
    EXPECT_EQ(plugins_of(f.devices[1]),
              (std::vector<std::string>{"header", "msi", "pcie", "msix", "aer"}))
        << plugin;
    EXPECT_EQ(plugins_of(f.devices[2]),
              (std::vector<std::string>{"header", "msix", "pcie", plugin}));
    ASSERT_EQ(report.left_out.size(), 1U) << plugin;
    EXPECT_THAT(report.left_out[0],
                HasSubstr("0000:01:00.0: standard capability 0x01 at 0x0c8 left out (plugin '" +
                          plugin + "' failed; policy plugin_failure = \"capability\"): plugin '" +
                          plugin + "' failed while saving"));
  }
}

// The state file every restore test starts from: all three devices, PM saved by 'hostile'.
std::vector<std::uint8_t> tame_state() {
  return core::encode_state(save_q35(kDevices, "tame"));
}

TEST(HostileRestore, TheTamePluginRestoresEveryDevice) {
  const RestoreOutcome o = restore_bytes(tame_state(), "tame", Mode::abort);
  EXPECT_EQ(o.error, "");
  EXPECT_EQ(o.writes_by_device.at(kBad), 1U);  // the forced 'ctrl' write
  EXPECT_EQ(o.writes_by_device.at("0000:02:00.0"), 1U);
}

TEST(HostileRestore, AbortPlansEverythingFirstAndWritesNothing) {
  struct Case {
    std::string dir;
    std::string error;
  };
  const std::string head = "plugin 'hostile' failed while planning the restore on 0000:01:00.0: ";
  const std::vector<Case> cases = {
      {"throw-restore", head + "hostile restore_sequence exploded"},
      {"throw-int", head + "unknown exception (not derived from std::exception)"},
      {"wide-value", head + "write 'ctrl' has value 0x1ffff / verify mask 0x0, wider than its "
                            "16-bit width; the plugin is broken"},
      {"far-offset", head + "write 'ctrl' at offset 0x100000 from the capability at 0x0c8 lies "
                            "outside the 4096-byte configuration space; the plugin is broken"},
  };
  const std::vector<std::uint8_t> state = tame_state();
  for (const Case& c : cases) {
    const RestoreOutcome o = restore_bytes(state, c.dir, Mode::abort);
    EXPECT_EQ(o.error, c.error) << c.dir;
    EXPECT_EQ(o.writes, 0U) << c.dir;  // 00:01.0 and 02:00.0 were planned fine: still nothing
  }
}

TEST(HostileRestore, DeviceModeWritesNothingToTheFailedDevice) {
  const RestoreOutcome o = restore_bytes(tame_state(), "throw-restore", Mode::device);
  EXPECT_EQ(o.error, "");
  // Upstream first: 01:00.0 (behind the restored root port 00:01.0) comes last.
  ASSERT_EQ(o.plans.size(), 3U);
  EXPECT_EQ(o.plans[2].address.str(), kBad);
  const core::DevicePlan& bad = o.plans[2];
  EXPECT_TRUE(bad.excluded);
  EXPECT_THAT(bad.writes, IsEmpty());
  ASSERT_EQ(bad.left_out.size(), 1U);
  EXPECT_EQ(bad.left_out[0],
            "0000:01:00.0: device left out of the restore, nothing is written to it (plugin "
            "'hostile' failed; policy plugin_failure = \"device\"): plugin 'hostile' failed while "
            "planning the restore on 0000:01:00.0: hostile restore_sequence exploded");
  EXPECT_EQ(o.writes_by_device.at(kBad), 0U);
  EXPECT_EQ(o.writes_by_device.at("0000:02:00.0"), 1U);
  EXPECT_FALSE(o.plans[0].excluded);
  EXPECT_FALSE(o.plans[1].excluded);
}

TEST(HostileRestore, CapabilityModeDropsOnlyThatCapabilitysWrites) {
  for (const std::string dir : {"throw-restore", "wide-value", "far-offset", "throw-int"}) {
    const RestoreOutcome o = restore_bytes(tame_state(), dir, Mode::capability);
    EXPECT_EQ(o.error, "") << dir;
    ASSERT_EQ(o.plans.size(), 3U) << dir;
    const core::DevicePlan& bad = o.plans[2];  // upstream first: 01:00.0 last
    ASSERT_EQ(bad.address.str(), kBad) << dir;
    EXPECT_FALSE(bad.excluded) << dir;
    for (const core::PlannedWrite& w : bad.writes) {
      EXPECT_NE(w.plugin, "hostile") << dir;
    }
    ASSERT_EQ(bad.left_out.size(), 1U) << dir;
    EXPECT_THAT(bad.left_out[0],
                AllOf(HasSubstr("0000:01:00.0: standard capability 0x01 at 0x0c8 left out "
                                "(plugin 'hostile' failed; policy plugin_failure = "
                                "\"capability\"): plugin 'hostile' failed while planning"),
                      HasSubstr("on 0000:01:00.0: ")))
        << dir;
    EXPECT_EQ(o.writes_by_device.at(kBad), 0U) << dir;  // its pcie/msix values already match
    EXPECT_EQ(o.writes_by_device.at("0000:02:00.0"), 1U) << dir;
  }
}

}  // namespace
}  // namespace capstate::hostile
