// The dry-run text and JSON of a restore plan.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "restore/plan_text.hpp"
#include "restore/restore_plan.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::ElementsAre;

/// The pcie plan of a port whose Device Control and Link Control were reset.
DevicePlan small_plan() {
  const Registry registry = Registry::from_plugins({std::make_shared<pcie::PciePlugin>()});
  const DeviceSection saved = save_image(port_image({}), {}, registry);
  PortValues now;
  now.devctl = 0x2000;
  now.lnkctl = 0x0000;
  ModelSource source;
  add_device(source, kPort, port_image(now), {});
  Device device = source.open(kPort);
  return core::plan_restore(device, saved, registry, {});
}

TEST(RestorePlanText, DiffShowsOnlyTheWrites) {
  EXPECT_EQ(core::plan_to_text(small_plan(), false),
            "0000:00:1c.0: 3 writes, 4 registers already hold the saved value\n"
            "  ~ phase 200 pcie   device_control           0x048       16-bit  0x2000 -> 0x201f  "
            "(mask 0x7fff)\n"
            "  ~ phase 200 pcie   link_control             0x050       16-bit  0x0000 -> 0x0040  "
            "(mask 0x0fc8)\n"
            "  ~ phase 500 pcie   link_control_aspm        0x050       16-bit  0x0040 -> 0x0043  "
            "(mask 0x0003)\n");
}

TEST(RestorePlanText, AllShowsUnchangedRegistersAndNotes) {
  DevicePlan plan = small_plan();
  plan.notes.push_back("0000:00:1c.0: plugin 'pcie' record migrated from schema 1 to 2");
  EXPECT_EQ(core::plan_to_text(plan, true),
            "0000:00:1c.0: 3 writes, 4 registers already hold the saved value\n"
            "  note: 0000:00:1c.0: plugin 'pcie' record migrated from schema 1 to 2\n"
            "  ~ phase 200 pcie   device_control           0x048       16-bit  0x2000 -> 0x201f  "
            "(mask 0x7fff)\n"
            "  ~ phase 200 pcie   link_control             0x050       16-bit  0x0000 -> 0x0040  "
            "(mask 0x0fc8)\n"
            "  = phase 200 pcie   slot_control             0x058       16-bit  0x1028 -> 0x1028  "
            "(mask 0x77ff)\n"
            "  = phase 200 pcie   root_control             0x05c       16-bit  0x000f -> 0x000f  "
            "(mask 0x001f)\n"
            "  = phase 200 pcie   device_control2          0x068       16-bit  0x0400 -> 0x0400  "
            "(mask 0xf7ff)\n"
            "  = phase 200 pcie   link_control2            0x070       16-bit  0x0003 -> 0x0003  "
            "(mask 0x002f)\n"
            "  ~ phase 500 pcie   link_control_aspm        0x050       16-bit  0x0040 -> 0x0043  "
            "(mask 0x0003)\n");
}

TEST(RestorePlanText, JsonHasEveryKey) {
  const DevicePlan plan = small_plan();
  const nlohmann::ordered_json parsed =
      nlohmann::ordered_json::parse(core::plans_to_json({&plan, &plan}));
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2U);
  const nlohmann::ordered_json& first = parsed[0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : first.items()) {
    keys.push_back(key);
  }
  EXPECT_THAT(keys, ElementsAre("address", "notes", "warnings", "writes", "from_below"));
  EXPECT_EQ(first["address"], "0000:00:1c.0");
  EXPECT_TRUE(first["notes"].is_array() && first["notes"].empty());
  EXPECT_TRUE(first["warnings"].is_array() && first["warnings"].empty());
  EXPECT_TRUE(first["from_below"].is_array() && first["from_below"].empty());
  ASSERT_EQ(first["writes"].size(), 7U);
  const nlohmann::ordered_json& w = first["writes"][0];
  keys.clear();
  for (const auto& [key, value] : w.items()) {
    keys.push_back(key);
  }
  EXPECT_THAT(keys, ElementsAre("phase", "plugin", "capability", "register", "target", "bar",
                                "offset", "width", "current", "value", "mask", "verify", "write",
                                "retries", "delay_us", "clears", "wait", "device"));
  EXPECT_EQ(w["device"], "0000:00:1c.0");
  EXPECT_EQ(w["retries"], 0);
  EXPECT_EQ(w["delay_us"], 0);
  EXPECT_EQ(w["clears"], 0);
  EXPECT_TRUE(w["wait"].is_null());
  EXPECT_EQ(w["phase"], 200);
  EXPECT_EQ(w["plugin"], "pcie");
  EXPECT_EQ(w["capability"],
            (nlohmann::ordered_json{{"kind", "standard"}, {"id", 0x10}, {"offset", 0x40}}));
  EXPECT_EQ(w["register"], "device_control");
  EXPECT_EQ(w["target"], "config");
  EXPECT_EQ(w["bar"], 0);
  EXPECT_EQ(w["offset"], 0x48);
  EXPECT_EQ(w["width"], 16);
  EXPECT_EQ(w["current"], 0x2000);
  EXPECT_EQ(w["value"], 0x201f);
  EXPECT_EQ(w["mask"], 0x7fff);
  EXPECT_EQ(w["verify"], 0x7fff);
  EXPECT_EQ(w["write"], true);
  EXPECT_EQ(first["writes"][2]["register"], "slot_control");
  EXPECT_EQ(first["writes"][2]["write"], false);
  EXPECT_EQ(first["writes"][6]["phase"], 500);
}

}  // namespace
}  // namespace capstate::restoretest
