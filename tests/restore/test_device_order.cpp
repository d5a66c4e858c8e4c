// The order in which a restore writes devices: upstream first. A device behind a bridge of the
// same restore comes after it whatever order the state file lists them in; devices no bridge of
// the restore leads to keep the file's order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "restore/restore_run.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::ElementsAre;

// A PCI-to-PCI bridge (type 1 header) forwarding to buses `secondary`..`subordinate`.
Image bridge(std::uint8_t secondary, std::uint8_t subordinate) {
  Image im;
  im.set(0x00, Width::dword, 0x9dbc8086);
  im.set(0x08, Width::dword, 0x06040000);
  im.set(0x0e, Width::byte, 0x01);
  im.set(0x18, Width::byte, secondary - 1);
  im.set(0x19, Width::byte, secondary);
  im.set(0x1a, Width::byte, subordinate);
  return im;
}

// An endpoint (type 0 header).
Image endpoint() {
  Image im;
  im.set(0x00, Width::dword, 0x10d38086);
  im.set(0x08, Width::dword, 0x02000000);
  return im;
}

std::vector<std::string> order(const std::vector<std::pair<PciAddress, Image>>& file_order) {
  const Registry registry = shipped();
  ModelSource source;
  core::StateFile file;
  for (const auto& [address, image] : file_order) {
    add_device(source, address, image, {});
    file.devices.push_back(save_image(image, {}, registry, address));
  }
  std::vector<std::string> out;
  for (const core::DeviceRestore& r : core::plan_restores(source, file, {}, registry, {})) {
    out.push_back(r.plan.address.str());
  }
  return out;
}

const PciAddress kRootPort{0, 0x00, 0x1c, 0};
const PciAddress kSwitchUp{0, 0x01, 0x00, 0};
const PciAddress kSwitchDown{0, 0x02, 0x01, 0};
const PciAddress kNvme{0, 0x03, 0x00, 0};
const PciAddress kHostDevice{0, 0x00, 0x1f, 0};

// Listed deepest first: restored root port, switch upstream port, downstream port, endpoint.
TEST(DeviceOrder, UpstreamPortsComeFirstWhateverTheFileOrder) {
  EXPECT_THAT(order({{kNvme, endpoint()},
                     {kSwitchDown, bridge(3, 3)},
                     {kSwitchUp, bridge(2, 3)},
                     {kRootPort, bridge(1, 3)}}),
              ElementsAre("0000:00:1c.0", "0000:01:00.0", "0000:02:01.0", "0000:03:00.0"));
}

// Devices on the root bus and devices whose bridge is not restored keep the file's order.
TEST(DeviceOrder, UnrelatedDevicesKeepTheFileOrder) {
  EXPECT_THAT(order({{kHostDevice, endpoint()}, {kNvme, endpoint()}, {kRootPort, bridge(5, 5)}}),
              ElementsAre("0000:00:1f.0", "0000:03:00.0", "0000:00:1c.0"));
}

// A bridge whose bus numbers were reset (0) leads nowhere yet: file order again.
TEST(DeviceOrder, ABridgeWithResetBusNumbersOrdersNothing) {
  Image reset = bridge(1, 1);
  reset.set(0x19, Width::byte, 0);
  reset.set(0x1a, Width::byte, 0);
  EXPECT_THAT(order({{kSwitchUp, endpoint()}, {kRootPort, reset}}),
              ElementsAre("0000:01:00.0", "0000:00:1c.0"));
}

}  // namespace
}  // namespace capstate::restoretest
