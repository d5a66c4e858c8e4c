// Both ends of a link restored together: a root port and the endpoint below it, each with the
// PCI Express and L1 PM Substates capabilities. The endpoint's plugins program the port too, in
// the kernel's order (pci_restore_aspm_l1ss_state): ASPM off on both ends, L1.2 enables off,
// Control 2 and Control 1 of the port then the endpoint, the enables, then ASPM on again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iomanip>
#include <sstream>

#include "backends/counted_config_space.hpp"
#include "l1ss_plugin.hpp"
#include "restore/plan_text.hpp"
#include "restore/restore_run.hpp"
#include "restore/undo.hpp"
#include "restore_fixture.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StrictMock;

const PciAddress kRoot{0, 0x00, 0x1c, 0};
const PciAddress kEndpoint{0, 0x01, 0x00, 0};

constexpr std::uint16_t kExp = 0x40;        // PCI Express capability
constexpr std::uint16_t kLinkCtl = 0x50;    // its Link Control
constexpr std::uint16_t kL1ss = 0x100;      // L1 PM Substates capability
constexpr std::uint16_t kL1ssCtl1 = 0x108;  // its Control 1
constexpr std::uint16_t kL1ssCtl2 = 0x10c;  // its Control 2
constexpr std::uint32_t kL12Enables = 0x5;  // PCI-PM L1.2 and ASPM L1.2 enables in Control 1
constexpr std::uint32_t kAspm = 0x3;        // ASPM Control in Link Control

// What one end of the link holds in the registers these tests vary.
struct End {
  std::uint32_t link_control = 0;
  std::uint32_t control1 = 0;
  std::uint32_t control2 = 0;
};

// As saved: ASPM L1 with common clock, L1.2 threshold 0x0a0 x 32 ns, Common_Mode_Restore_Time
// 0x3c, every substate enabled, T_POWER_ON 5 x 2 us; both ends agree.
constexpr End kSaved{0x0042, 0x40a03c0f, 0x00000028};
// After a reset.
constexpr End kReset{0x0000, 0x00000000, 0x00000000};

// A root port (type 1, forwarding to bus 1) or an endpoint (type 0) with the PCI Express
// capability at 0x40 and L1 PM Substates at 0x100, holding `end`.
Image link_end(bool port, const End& end) {
  Image im;
  im.set(0x00, Width::dword, port ? 0x7a388086 : 0x540a144d);
  im.set(0x06, Width::word, 0x0010);  // capabilities list
  im.set(0x08, Width::dword, port ? 0x06040000 : 0x01080200);
  im.set(0x0e, Width::byte, port ? 0x01 : 0x00);
  if (port) {
    im.set(0x19, Width::byte, 0x01);
    im.set(0x1a, Width::byte, 0x01);
  }
  im.set(0x34, Width::byte, kExp);
  im.set(kExp, Width::word, 0x0010);                         // ID 0x10, last in the list
  im.set(kExp + 0x02, Width::word, port ? 0x0042 : 0x0002);  // version 2, root port / endpoint
  im.set(kLinkCtl, Width::word, end.link_control);
  im.rw(kLinkCtl, Width::word, 0x00c3);     // ASPM, common clock, extended synch
  im.set(kL1ss, Width::dword, 0x0001001e);  // ID 0x1e, version 1, last
  im.set(kL1ss + 0x04, Width::dword, 0x00280a1f);
  im.set(kL1ssCtl1, Width::dword, end.control1);
  im.rw(kL1ssCtl1, Width::dword, 0xe3ffff0f);
  im.set(kL1ssCtl2, Width::dword, end.control2);
  im.rw(kL1ssCtl2, Width::dword, 0x000000fb);
  return im;
}

Registry link_plugins() {
  return Registry::from_plugins(
      {std::make_shared<pcie::PciePlugin>(), std::make_shared<l1ss::L1ssPlugin>()});
}

// The saved link and a model holding it now, with the port as `port` and the endpoint as
// `endpoint`.
struct Link {
  Link(const End& port_now, const End& endpoint_now) {
    file.devices.push_back(save_image(link_end(true, kSaved), {}, registry, kRoot));
    file.devices.push_back(save_image(link_end(false, kSaved), {}, registry, kEndpoint));
    add_device(source, kRoot, link_end(true, port_now), {});
    add_device(source, kEndpoint, link_end(false, endpoint_now), {});
  }

  std::vector<core::DeviceRestore> plan(const std::vector<PciAddress>& only = {}) {
    return core::plan_restores(source, file, only, registry, {});
  }

  std::uint32_t now(const PciAddress& a, std::uint16_t offset, Width width) {
    const std::span<const std::uint8_t> bytes = source.bytes(a);
    std::uint32_t v = 0;
    for (unsigned i = 0; i < width_bytes(width); ++i) {
      v |= std::uint32_t{bytes[offset + i]} << (8 * i);
    }
    return v;
  }

  Registry registry = link_plugins();
  core::StateFile file;
  ModelSource source;
};

// "device register 0xoffset=0xvalue" for every write the restores make, in execution order.
std::vector<std::string> executed(const std::vector<core::DeviceRestore>& restores) {
  std::vector<std::string> out;
  for (const core::DeviceRestore& r : restores) {
    for (const core::PlannedWrite& w : r.plan.writes) {
      if (w.write) {
        const PciAddress& on = w.upstream ? *r.plan.upstream : r.plan.address;
        std::ostringstream line;
        line << on.str() << ' ' << w.name << " 0x" << std::hex << std::setw(3) << std::setfill('0')
             << w.offset << "=0x" << w.value;
        out.push_back(line.str());
      }
    }
  }
  return out;
}

// Every configuration-space write reaching either end of the link, in the order made.
struct LinkWrites {
  MOCK_METHOD(void, write,
              (std::string device, std::uint16_t offset, Width width, std::uint32_t value));
};

// A ConfigSpace telling `observer` of each write to `device`, then passing it on.
class ObservedSpace final : public core::CountedConfigSpace {
 public:
  ObservedSpace(std::string device, std::unique_ptr<core::CountedConfigSpace> inner,
                LinkWrites& observer)
      : device_(std::move(device)), inner_(std::move(inner)), observer_(observer) {}
  std::uint16_t size() const override { return inner_->size(); }
  std::string device_name() const override { return inner_->device_name(); }

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override {
    return inner_->read(offset, width);
  }
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override {
    observer_.write(device_, offset, width, value);
    inner_->write(offset, width, value);
  }

 private:
  std::string device_;
  std::unique_ptr<core::CountedConfigSpace> inner_;
  LinkWrites& observer_;
};

// `inner` with every opened device's configuration writes reported to `observer`.
class ObservedSource final : public core::DeviceSource {
 public:
  ObservedSource(ModelSource& inner, LinkWrites& observer) : inner_(inner), observer_(observer) {}
  std::string describe() const override { return inner_.describe(); }
  std::vector<PciAddress> addresses() override { return inner_.addresses(); }
  Device open(const PciAddress& address) override {
    Device d = inner_.open(address);
    d.config = std::make_unique<ObservedSpace>(address.str(), std::move(d.config), observer_);
    return d;
  }
  bool writes_hardware() const override { return false; }

 private:
  ModelSource& inner_;
  LinkWrites& observer_;
};

// The writes as they reach the two devices, with GoogleMock's InSequence: the port's own restore,
// then the endpoint's, which reaches back to the port between its own writes.
TEST(LinkRestore, WritesReachBothDevicesInTheKernelsOrder) {
  Link link(kReset, kReset);
  StrictMock<LinkWrites> obs;
  const std::string root = kRoot.str();
  const std::string ep = kEndpoint.str();
  {
    InSequence in_order;
    EXPECT_CALL(obs, write(root, kL1ssCtl2, Width::dword, 0x28U));
    EXPECT_CALL(obs, write(root, kL1ssCtl1, Width::dword, 0x40a03c0aU));
    EXPECT_CALL(obs, write(root, kLinkCtl, Width::word, 0x40U));
    EXPECT_CALL(obs, write(root, kLinkCtl, Width::word, 0x42U));
    EXPECT_CALL(obs, write(root, kLinkCtl, Width::word, 0x40U));  // ASPM off for the link
    EXPECT_CALL(obs, write(ep, kL1ssCtl2, Width::dword, 0x28U));
    EXPECT_CALL(obs, write(ep, kL1ssCtl1, Width::dword, 0x40a03c0aU));
    EXPECT_CALL(obs, write(root, kL1ssCtl1, Width::dword, 0x40a03c0fU));  // enables: port first
    EXPECT_CALL(obs, write(ep, kL1ssCtl1, Width::dword, 0x40a03c0fU));
    EXPECT_CALL(obs, write(ep, kLinkCtl, Width::word, 0x40U));
    EXPECT_CALL(obs, write(root, kLinkCtl, Width::word, 0x42U));  // ASPM on: port first
    EXPECT_CALL(obs, write(ep, kLinkCtl, Width::word, 0x42U));
  }
  ObservedSource source(link.source, obs);
  std::vector<core::DeviceRestore> restores =
      core::plan_restores(source, link.file, {}, link.registry, {});
  core::apply_restores(restores, true);
  for (const core::DeviceRestore& r : restores) {
    EXPECT_THAT(r.result.mismatches, IsEmpty()) << r.plan.address.str();
  }
}

// The endpoint was reset; the port was too (its own restore runs first, one end alone, without
// the L1.2 enables). The endpoint's restore then programs both ends in the kernel's order.
TEST(LinkRestore, BothEndsAreProgrammedInTheKernelsOrder) {
  Link link(kReset, kReset);
  std::vector<core::DeviceRestore> restores = link.plan();
  ASSERT_THAT(restores, SizeIs(2));
  EXPECT_EQ(restores[0].plan.address, kRoot);
  EXPECT_EQ(restores[1].plan.upstream, kRoot);
  const std::string root = kRoot.str();
  const std::string ep = kEndpoint.str();
  EXPECT_THAT(
      executed(restores),
      ElementsAre(
          // the port alone: timing first, L1.2 left to the endpoint's restore
          root + " l1ss_control2 0x10c=0x28", root + " l1ss_control1 0x108=0x40a03c0a",
          root + " link_control 0x050=0x40", root + " link_control_aspm 0x050=0x42",
          // the endpoint: ASPM off on the port (the endpoint's is off already)
          root + " link_control_aspm (off for the link) 0x050=0x40",
          // Control 2, Control 1 without L1.2 (the port already holds them), the enables
          ep + " l1ss_control2 0x10c=0x28", ep + " l1ss_control1 (without L1.2) 0x108=0x40a03c0a",
          root + " l1ss_control1 0x108=0x40a03c0f", ep + " l1ss_control1 0x108=0x40a03c0f",
          ep + " link_control 0x050=0x40",
          // ASPM on again: the port, then the endpoint
          root + " link_control_aspm 0x050=0x42", ep + " link_control_aspm 0x050=0x42"));
  // Nobody is told that L1.2 stays off: the endpoint turns it on for both ends.
  EXPECT_THAT(restores[0].plan.warnings, IsEmpty());
  EXPECT_THAT(restores[1].plan.warnings, IsEmpty());

  core::apply_restores(restores, true);
  for (const core::DeviceRestore& r : restores) {
    EXPECT_THAT(r.result.mismatches, IsEmpty()) << r.plan.address.str();
  }
  for (const PciAddress& a : {kRoot, kEndpoint}) {
    EXPECT_EQ(link.now(a, kL1ssCtl1, Width::dword), kSaved.control1) << a.str();
    EXPECT_EQ(link.now(a, kL1ssCtl2, Width::dword), kSaved.control2) << a.str();
    EXPECT_EQ(link.now(a, kLinkCtl, Width::word), kSaved.link_control) << a.str();
  }
}

// Live state (no reset) with L1.2 and ASPM on at both ends and other timing: ASPM goes off on the
// endpoint then the port, the L1.2 enables off on the endpoint then the port, and every step
// follows; nothing is skipped that the kernel's sequence changes.
TEST(LinkRestore, LiveEnablesGoOffOnTheEndpointFirstAndComeBackOnThePortFirst) {
  const End live{0x0043, 0x40503c0f, 0x00000050};
  Link link(live, live);
  std::vector<core::DeviceRestore> restores = link.plan();
  const std::string root = kRoot.str();
  const std::string ep = kEndpoint.str();
  // The port's own restore, one end alone: its L1.2 enables off, timing, enables kept (they were
  // on, and saved on).
  EXPECT_THAT(
      executed(restores),
      ElementsAre(
          root + " l1ss_control1 (L1.2 off) 0x108=0x40503c0a", root + " l1ss_control2 0x10c=0x28",
          root + " l1ss_control1 0x108=0x40a03c0f", root + " link_control_aspm 0x050=0x42",
          ep + " link_control_aspm (off for the link) 0x050=0x40",
          root + " link_control_aspm (off for the link) 0x050=0x40",
          ep + " l1ss_control1 (L1.2 off) 0x108=0x40503c0a",
          root + " l1ss_control1 (L1.2 off) 0x108=0x40a03c0a", ep + " l1ss_control2 0x10c=0x28",
          ep + " l1ss_control1 (without L1.2) 0x108=0x40a03c0a",
          root + " l1ss_control1 0x108=0x40a03c0f", ep + " l1ss_control1 0x108=0x40a03c0f",
          root + " link_control_aspm 0x050=0x42", ep + " link_control_aspm 0x050=0x42"));
  core::apply_restores(restores, true);
  for (const PciAddress& a : {kRoot, kEndpoint}) {
    EXPECT_EQ(link.now(a, kL1ssCtl1, Width::dword), kSaved.control1) << a.str();
    EXPECT_EQ(link.now(a, kL1ssCtl2, Width::dword), kSaved.control2) << a.str();
    EXPECT_EQ(link.now(a, kLinkCtl, Width::word), kSaved.link_control) << a.str();
  }
}

// A link that holds its saved state is left alone: no ASPM toggled, nothing written at all.
TEST(LinkRestore, AnUnchangedLinkWritesNothing) {
  Link link(kSaved, kSaved);
  const std::vector<core::DeviceRestore> restores = link.plan();
  EXPECT_THAT(executed(restores), IsEmpty());
}

// The plan shows the writes on the port under both devices: in the endpoint's plan, marked with
// the port, and in the port's plan, marked with the endpoint that makes them (text and JSON).
TEST(LinkRestore, ThePlanShowsPortWritesUnderBothDevices) {
  Link link(kReset, kReset);
  const std::vector<core::DeviceRestore> restores = link.plan();
  const std::string port_text = core::plan_to_text(restores[0].plan, false);
  const std::string endpoint_text = core::plan_to_text(restores[1].plan, false);
  EXPECT_THAT(endpoint_text,
              HasSubstr("l1ss_control1            0x108       32-bit  0x40a03c0a -> 0x40a03c0f  "
                        "(mask 0xe3ffff0f) on upstream port 0000:00:1c.0\n"));
  EXPECT_THAT(port_text, HasSubstr("  by 0000:01:00.0: ~ phase 150 l1ss   l1ss_control1"));
  std::vector<std::string> below;
  for (const core::ForeignWrite& f : restores[0].plan.from_below) {
    EXPECT_EQ(f.by, kEndpoint);
    if (f.write.write) {
      below.push_back(f.write.name);
    }
  }
  EXPECT_THAT(below, ElementsAre("link_control_aspm (off for the link)", "l1ss_control1",
                                 "link_control_aspm"));
  const std::string json = core::plans_to_json({&restores[0].plan, &restores[1].plan});
  EXPECT_THAT(json, HasSubstr("\"by\": \"0000:01:00.0\""));
  EXPECT_THAT(json, HasSubstr("\"device\": \"0000:00:1c.0\""));
}

// The endpoint restored without its port: one end alone, the L1.2 enables stay off, and the plan
// warns, naming the device and what to do.
TEST(LinkRestore, WithoutThePortTheEnablesStayOffAndAWarningSaysWhy) {
  Link link(kSaved, kReset);
  std::vector<core::DeviceRestore> restores = link.plan({kEndpoint});
  ASSERT_THAT(restores, SizeIs(1));
  EXPECT_FALSE(restores[0].plan.upstream.has_value());
  const std::string ep = kEndpoint.str();
  EXPECT_THAT(executed(restores),
              ElementsAre(ep + " l1ss_control2 0x10c=0x28", ep + " l1ss_control1 0x108=0x40a03c0a",
                          ep + " link_control 0x050=0x40", ep + " link_control_aspm 0x050=0x42"));
  ASSERT_THAT(restores[0].plan.warnings, SizeIs(1));
  EXPECT_THAT(restores[0].plan.warnings[0], HasSubstr("0000:01:00.0"));
  EXPECT_THAT(restores[0].plan.warnings[0], HasSubstr("not in this restore"));
  core::apply_restores(restores, true);
  EXPECT_EQ(link.now(kEndpoint, kL1ssCtl1, Width::dword), kSaved.control1 & ~kL12Enables);
  EXPECT_EQ(link.now(kRoot, kLinkCtl, Width::word), kSaved.link_control);  // port untouched
}

// The port's writes made by the endpoint's restore are in the undo file under the port, even
// when the port's own plan writes nothing.
TEST(LinkRestore, TheUndoStateCoversThePortWhenOnlyTheEndpointsRestoreWritesIt) {
  End port_now = kSaved;
  port_now.control1 &= ~kL12Enables;  // as left by a restore of the port alone
  Link link(port_now, kReset);
  std::vector<core::DeviceRestore> restores = link.plan();
  for (const core::PlannedWrite& w : restores[0].plan.writes) {
    ASSERT_FALSE(w.write) << w.name;  // the port's own plan: nothing to do
  }
  const core::StateFile undo = core::undo_state(restores, link.registry);
  ASSERT_THAT(undo.devices, SizeIs(2));
  EXPECT_EQ(undo.devices[0].address, kRoot);
  std::vector<std::string> plugins;
  for (const auto& r : undo.devices[0].records) {
    plugins.push_back(r.plugin);
  }
  EXPECT_THAT(plugins, ElementsAre("pcie", "l1ss"));
}

// The port's capability lists are walked once for the endpoint below it, not once per record of
// the endpoint that has a record on the port (PCI Express and L1 PM Substates both do).
TEST(LinkRestore, ThePortIsDiscoveredOnceForTheEndpoint) {
  Link port_alone(kReset, kReset);
  (void)port_alone.plan({kRoot});
  Link both(kReset, kReset);
  (void)both.plan();
  // The 8-bit reads of one discovery: the header type (0x0e) and the list pointer (0x34).
  EXPECT_EQ(both.source.counts(kRoot).reads[0] - port_alone.source.counts(kRoot).reads[0], 2U);
}

}  // namespace
}  // namespace capstate::restoretest
