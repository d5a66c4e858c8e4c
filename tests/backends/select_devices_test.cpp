// select_devices: slot filtering without touching devices; -d costs one 32-bit read per candidate.
#include "backend_test_util.hpp"
#include "backends/device_source.hpp"
#include "backends/model_source.hpp"

namespace capstate::core {
namespace {

std::vector<std::uint8_t> with_ids(std::uint16_t vendor, std::uint16_t device) {
  std::vector<std::uint8_t> c(256, 0);
  c[0] = static_cast<std::uint8_t>(vendor);
  c[1] = static_cast<std::uint8_t>(vendor >> 8);
  c[2] = static_cast<std::uint8_t>(device);
  c[3] = static_cast<std::uint8_t>(device >> 8);
  return c;
}

class SelectDevices : public ::testing::Test {
 protected:
  SelectDevices() {
    source.add(nic, with_ids(0x8086, 0x10d3));
    source.add(bridge, with_ids(0x1b36, 0x000c));
    source.add(nvme, with_ids(0x1b36, 0x0010));
  }
  const PciAddress bridge{0, 0, 1, 0};
  const PciAddress nic{0, 1, 0, 0};
  const PciAddress nvme{0, 2, 0, 0};
  ModelSource source;
};

TEST_F(SelectDevices, SlotOnlyReadsNothing) {
  Selector s;
  s.parse_slot("01:");
  EXPECT_EQ(select_devices(source, s), std::vector<PciAddress>{nic});
  s.parse_slot("");
  EXPECT_EQ(select_devices(source, s), (std::vector<PciAddress>{bridge, nic, nvme}));
  for (const auto& a : {bridge, nic, nvme}) {
    EXPECT_EQ(source.counts(a).total_reads(), 0U) << a.str();
  }
}

TEST_F(SelectDevices, IdsReadOneDwordPerCandidate) {
  Selector s;
  s.parse_ids("1b36:");
  EXPECT_EQ(select_devices(source, s), (std::vector<PciAddress>{bridge, nvme}));
  for (const auto& a : {bridge, nic, nvme}) {
    EXPECT_EQ(source.counts(a).reads[2], 1U) << a.str();
    EXPECT_EQ(source.counts(a).total_reads(), 1U) << a.str();
  }
}

TEST_F(SelectDevices, SlotNarrowsBeforeIdsAreRead) {
  Selector s;
  s.parse_slot("00:");
  s.parse_ids(":000c");
  EXPECT_EQ(select_devices(source, s), std::vector<PciAddress>{bridge});
  EXPECT_EQ(source.counts(bridge).total_reads(), 1U);
  EXPECT_EQ(source.counts(nic).total_reads(), 0U);
  EXPECT_EQ(source.counts(nvme).total_reads(), 0U);
}

}  // namespace
}  // namespace capstate::core
