// Narrow claims on real dumps: two vendors' plugins for the same VSEC ID load together, each takes
// only its own vendor's VSEC, a generic plugin takes the rest, and equal claims conflict.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>

#include "backends/dump_source.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/targets.hpp"
#include "registry/claim_match.hpp"
#include "registry/registry.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"

namespace capstate::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::uint16_t kVsec = 0x000b;
// The VSEC ID is the low 16 bits of the dword at +0x04.
constexpr Condition vsec_id(std::uint32_t id) {
  return {.test = capstate::Test::equals,
          .offset = 0x04,
          .width = Width::dword,
          .mask = 0xffff,
          .operand = id};
}

constexpr std::array<std::uint16_t, 1> kNvidia{0x10de};
constexpr std::array<std::uint16_t, 1> kAmd{0x1002};

// Two dwords of the VSEC body (+0x08, +0x0c), saved and restored whole: test plugins only, the
// registers' meaning is the vendors' own.
constexpr std::array<Field, 2> kBody{{
    {.name = "body0", .offset = 0x08, .width = Width::dword, .writable = ~0U, .verify = ~0U},
    {.name = "body1", .offset = 0x0c, .width = Width::dword, .writable = ~0U, .verify = ~0U},
}};
constexpr std::array<Layout, 1> kBodyLayouts{{{.schema_version = 1, .fields = kBody}}};

class VsecPlugin final : public Plugin {
 public:
  VsecPlugin(std::string name, std::vector<Claim> claims)
      : name_(std::move(name)), claims_(std::move(claims)) {}
  PluginInfo info() const override {
    return {.name = name_,
            .version = "1",
            .summary = "test VSEC plugin",
            .claims = claims_,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 50};
  }
  std::span<const Layout> layouts() const override { return kBodyLayouts; }

 private:
  std::string name_;
  std::vector<Claim> claims_;
};

std::shared_ptr<const Plugin> vendor_plugin(std::string name, std::span<const std::uint16_t> vendor,
                                            std::uint32_t id) {
  return std::make_shared<VsecPlugin>(std::move(name),
                                      std::vector<Claim>{{.kind = CapKind::extended,
                                                          .id = kVsec,
                                                          .device = {.vendors = vendor},
                                                          .when = {vsec_id(id), {}, {}}}});
}

std::shared_ptr<const Plugin> generic_plugin() {
  return std::make_shared<VsecPlugin>("any-vsec",
                                      std::vector<Claim>{{.kind = CapKind::extended, .id = kVsec}});
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// NVIDIA GP108M (VSEC ID 1 at 0x600), AMD Navi 10 (VSEC ID 1 at 0x100), PLX PEX 8796 (VSEC ID 1
// at 0xb70) in one dump, as three devices of one system.
DumpSource system_dump() {
  const std::string dir = std::string(CAPSTATE_SOURCE_DIR) + "/tests/data/real/";
  return DumpSource(read_text(dir + "nvidia-gp108m-mx150-gpu-vsec.xxxx.txt") + "\n" +
                        read_text(dir + "amd-navi10-rx5600xt-gpu.xxxx.txt") + "\n" +
                        read_text(dir + "plx-pex8796-switch-upstream-port.xxxx.txt"),
                    "three real devices");
}

// The saved sections in the order nvidia, amd, plx (the source lists them by address).
struct Saved {
  std::vector<DeviceSection> sections;
  SaveReport report;
};

Saved save_all(DeviceSource& source, const Registry& registry) {
  Saved out;
  std::vector<DeviceSection> by_address;
  for (const PciAddress& a : source.addresses()) {
    Device d = source.open(a);
    by_address.push_back(save_device(d, registry, {}, out.report));
  }
  for (std::uint16_t vendor : {0x10de, 0x1002, 0x10b5}) {
    for (const DeviceSection& s : by_address) {
      if (s.identity.vendor_id == vendor) {
        out.sections.push_back(s);
      }
    }
  }
  return out;
}

// The (plugin, offset, claim) of each record whose plugin is not pcie/msix/ltr.
std::vector<std::string> vsec_records(const DeviceSection& s) {
  std::vector<std::string> out;
  for (const Record& r : s.records) {
    out.push_back(fmt::format("{}@0x{:03x} [{}]", r.plugin, r.capability.offset, r.claim));
  }
  return out;
}

TEST(VendorClaims, TwoVendorsPluginsForTheSameVsecIdLoadTogether) {
  const Registry registry = Registry::from_plugins(
      {vendor_plugin("nv-vsec", kNvidia, 1), vendor_plugin("amd-vsec", kAmd, 1)});
  ASSERT_EQ(registry.entries().size(), 2U);
  for (const PluginEntry& e : registry.entries()) {
    EXPECT_EQ(e.status, PluginStatus::loaded) << e.name << ": " << e.reason;
  }
}

TEST(VendorClaims, EachVendorsPluginSavesAndRestoresOnlyItsOwnVsec) {
  const Registry registry = Registry::from_plugins(
      {vendor_plugin("nv-vsec", kNvidia, 1), vendor_plugin("amd-vsec", kAmd, 1)});
  DumpSource source = system_dump();
  const Saved saved = save_all(source, registry);
  ASSERT_EQ(saved.sections.size(), 3U);
  const std::string nv = "vendor 0x10de, [(reg32@0x0004 & 0x0000ffff) >> 0 == 0x1]";
  const std::string amd = "vendor 0x1002, [(reg32@0x0004 & 0x0000ffff) >> 0 == 0x1]";
  EXPECT_THAT(vsec_records(saved.sections[0]), ElementsAre("nv-vsec@0x600 [" + nv + "]"));
  EXPECT_THAT(vsec_records(saved.sections[1]), ElementsAre("amd-vsec@0x100 [" + amd + "]"));
  EXPECT_THAT(vsec_records(saved.sections[2]), ::testing::IsEmpty());  // PLX: nobody's
  EXPECT_THAT(
      saved.report.unhandled,
      ::testing::Contains(HasSubstr("no plugin handles extended capability 0x000b at 0xb70")));

  // Clobber both vendors' VSEC bodies, then restore each device: each plugin writes its own.
  const std::array<std::pair<std::size_t, std::uint16_t>, 2> vsecs{{{0, 0x600}, {1, 0x100}}};
  for (const auto& [index, offset] : vsecs) {
    const PciAddress address = saved.sections[index].address;
    Device device = source.open(address);
    const std::uint32_t body0 = device.config->read32(offset + 0x08);
    const std::uint32_t body1 = device.config->read32(offset + 0x0c);
    device.config->write32(offset + 0x08, ~body0);
    device.config->write32(offset + 0x0c, ~body1);
    const DevicePlan plan = plan_restore(device, saved.sections[index], registry, {});
    std::vector<std::string> written;
    for (const PlannedWrite& w : plan.writes) {
      if (w.write) {
        written.push_back(fmt::format("{} {} 0x{:03x}", w.plugin, w.name, w.offset));
      }
    }
    const std::string plugin = index == 0 ? "nv-vsec" : "amd-vsec";
    EXPECT_THAT(written, ElementsAre(fmt::format("{} body0 0x{:03x}", plugin, offset + 0x08),
                                     fmt::format("{} body1 0x{:03x}", plugin, offset + 0x0c)));
    const ApplyResult result = apply_plan(device, plan, true);
    EXPECT_THAT(result.mismatches, ::testing::IsEmpty());
    EXPECT_EQ(device.config->read32(offset + 0x08), body0);
    EXPECT_EQ(device.config->read32(offset + 0x0c), body1);
  }
}

TEST(VendorClaims, TheMostSpecificClaimWinsAndTheGenericOneTakesTheRest) {
  const Registry registry = Registry::from_plugins(
      {generic_plugin(), vendor_plugin("nv-vsec", kNvidia, 1), vendor_plugin("amd-vsec", kAmd, 1)});
  for (const PluginEntry& e : registry.entries()) {
    EXPECT_EQ(e.status, PluginStatus::loaded) << e.name << ": " << e.reason;
  }
  DumpSource source = system_dump();
  const Saved saved = save_all(source, registry);
  EXPECT_THAT(vsec_records(saved.sections[0]), ElementsAre(HasSubstr("nv-vsec@0x600")));
  EXPECT_THAT(vsec_records(saved.sections[1]), ElementsAre(HasSubstr("amd-vsec@0x100")));
  EXPECT_THAT(vsec_records(saved.sections[2]), ElementsAre("any-vsec@0xb70 []"));
}

TEST(VendorClaims, AVendorPluginForAnotherVsecIdDoesNotTakeThisOne) {
  const Registry registry = Registry::from_plugins({vendor_plugin("nv-vsec-2", kNvidia, 2)});
  DumpSource source = system_dump();
  const Saved saved = save_all(source, registry);
  EXPECT_THAT(vsec_records(saved.sections[0]), ::testing::IsEmpty());
}

TEST(VendorClaims, EquallySpecificOverlappingClaimsConflictAndPolicyDecides) {
  const Registry both = Registry::from_plugins(
      {vendor_plugin("nv-a", kNvidia, 1), vendor_plugin("nv-b", kNvidia, 1)});
  ASSERT_EQ(both.entries().size(), 2U);
  EXPECT_EQ(both.entries()[0].status, PluginStatus::loaded);
  EXPECT_EQ(both.entries()[1].status, PluginStatus::refused);
  EXPECT_THAT(both.entries()[1].reason,
              HasSubstr("capability extended:0x000b (vendor 0x10de, [(reg32@0x0004 & 0x0000ffff) "
                        ">> 0 == 0x1]) is already claimed by plugin 'nv-a'"));
  EXPECT_THAT(both.entries()[1].reason,
              HasSubstr("choose one in policy: [plugin_winner] \"extended:0x000b\" = \"nv-b\""));
  RegistryOptions options;
  options.winners["extended:0x000b"] = "nv-b";
  const Registry chosen = Registry::from_plugins(
      {vendor_plugin("nv-a", kNvidia, 1), vendor_plugin("nv-b", kNvidia, 1)}, options);
  EXPECT_EQ(chosen.entries()[0].status, PluginStatus::refused);
  EXPECT_EQ(chosen.entries()[1].status, PluginStatus::loaded);
}

TEST(VendorClaims, DeviceMatchOnSubsystemClassAndRevision) {
  DeviceIdentity nvme;
  nvme.vendor_id = 0x1179;
  nvme.device_id = 0x0116;
  nvme.subsystem_vendor_id = 0x1179;
  nvme.subsystem_id = 0x0001;
  nvme.class_code = 0x010802;
  nvme.revision = 0x05;
  nvme.header_type = 0x00;
  static constexpr std::array<std::uint16_t, 2> kSubsystems{0x0001, 0x0002};
  static constexpr std::array<std::uint16_t, 1> kOtherSubsystem{0x0003};
  EXPECT_TRUE(device_matches({}, nvme));
  EXPECT_TRUE(device_matches({.subsystems = kSubsystems}, nvme));
  EXPECT_FALSE(device_matches({.subsystems = kOtherSubsystem}, nvme));
  EXPECT_TRUE(device_matches({.class_code = 0x010800, .class_mask = 0xffff00}, nvme));  // NVMe
  EXPECT_FALSE(device_matches({.class_code = 0x020000, .class_mask = 0xff0000}, nvme));
  EXPECT_TRUE(device_matches({.revision_min = 0x05, .revision_max = 0x05}, nvme));
  EXPECT_FALSE(device_matches({.revision_min = 0x06}, nvme));
  DeviceIdentity bridge = nvme;
  bridge.header_type = 0x01;  // no subsystem IDs in a type 1 header
  EXPECT_FALSE(device_matches({.subsystems = kSubsystems}, bridge));
  const Claim by_class{.kind = CapKind::header,
                       .device = {.class_code = 0x010800, .class_mask = 0xffff00}};
  const Claim by_class_and_revision{
      .kind = CapKind::header,
      .device = {.class_code = 0x010800, .class_mask = 0xffff00, .revision_min = 2}};
  EXPECT_EQ(claim_specificity(by_class), 1U);
  EXPECT_EQ(claim_specificity(by_class_and_revision), 2U);
  EXPECT_EQ(claim_text(by_class_and_revision), "class 0x010800/0xffff00, revision 0x02-0xff");
  EXPECT_FALSE(claims_may_overlap(
      by_class,
      {.kind = CapKind::header, .device = {.class_code = 0x020000, .class_mask = 0xff0000}}));
}

TEST(VendorClaims, SpecificityAndOverlap) {
  const Claim generic{.kind = CapKind::extended, .id = kVsec};
  const Claim nv1{.kind = CapKind::extended,
                  .id = kVsec,
                  .device = {.vendors = kNvidia},
                  .when = {vsec_id(1), {}, {}}};
  const Claim nv2{.kind = CapKind::extended,
                  .id = kVsec,
                  .device = {.vendors = kNvidia},
                  .when = {vsec_id(2), {}, {}}};
  const Claim amd1{.kind = CapKind::extended,
                   .id = kVsec,
                   .device = {.vendors = kAmd},
                   .when = {vsec_id(1), {}, {}}};
  EXPECT_EQ(claim_specificity(generic), 0U);
  EXPECT_EQ(claim_specificity(nv1), 2U);
  EXPECT_TRUE(claims_may_overlap(generic, nv1));
  EXPECT_FALSE(claims_may_overlap(nv1, nv2));   // exclusive VSEC IDs
  EXPECT_FALSE(claims_may_overlap(nv1, amd1));  // other vendor
  EXPECT_TRUE(claims_may_overlap(nv1, nv1));
}

}  // namespace
}  // namespace capstate::core
