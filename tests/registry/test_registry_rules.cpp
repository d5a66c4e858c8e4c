// Registry::from_plugins: the same metadata, name and claim rules as loading from files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

#include "registry/registry.hpp"

using ::testing::HasSubstr;

namespace capstate::core {
namespace {

constexpr std::array<Field, 1> kFields{{{.name = "reg", .offset = 0x04, .width = Width::dword}}};
constexpr std::array<Layout, 1> kOneLayout{{{.schema_version = 1, .fields = kFields}}};

// An in-memory plugin whose metadata the test chooses; it owns everything its views point to.
class FakePlugin final : public Plugin {
 public:
  FakePlugin(std::string name, const std::vector<CapabilityId>& handles, bool throw_in_info = false)
      : name_(std::move(name)), throw_in_info_(throw_in_info) {
    for (const CapabilityId& cap : handles) {
      claims_.push_back({.kind = cap.kind, .id = cap.id});
    }
  }

  PluginInfo info() const override {
    if (throw_in_info_) {
      throw std::runtime_error("no info today");
    }
    return {.name = name_,
            .version = "0.1",
            .summary = "fake",
            .claims = claims_,
            .current_schema = 1,
            .oldest_schema = 1,
            .restore_phase = 10};
  }
  std::span<const Layout> layouts() const override { return kOneLayout; }

 private:
  std::string name_;
  std::vector<Claim> claims_;
  bool throw_in_info_;
};

constexpr CapabilityId kStd10{CapKind::standard, 0x10};
constexpr CapabilityId kStd11{CapKind::standard, 0x11};
constexpr CapabilityId kExt18{CapKind::extended, 0x0018};

std::shared_ptr<const Plugin> fake(std::string name, std::vector<CapabilityId> caps) {
  return std::make_shared<FakePlugin>(std::move(name), std::move(caps));
}

TEST(RegistryFromPlugins, LoadsAndDispatches) {
  auto a = fake("a", {kStd10});
  auto b = fake("b", {kStd11, kExt18});
  const Registry reg = Registry::from_plugins({a, b});
  ASSERT_EQ(reg.entries().size(), 2U);
  EXPECT_EQ(reg.entries()[0].status, PluginStatus::loaded);
  EXPECT_TRUE(reg.entries()[0].file.empty());
  EXPECT_EQ(reg.entries()[0].plugin, a);
  EXPECT_EQ(reg.handler(kStd10)->name, "a");
  EXPECT_EQ(reg.handler(kExt18)->name, "b");
  EXPECT_EQ(reg.handler({CapKind::extended, 0x0010}), nullptr);  // kind matters, not just the ID
  EXPECT_EQ(reg.find("b")->plugin, b);
}

TEST(RegistryFromPlugins, MalformedAndThrowingAreRefused) {
  const Registry reg = Registry::from_plugins(
      {fake("", {kStd10}), fake("ok", {}),
       std::make_shared<FakePlugin>("t", std::vector{kStd11}, true), nullptr});
  ASSERT_EQ(reg.entries().size(), 4U);
  EXPECT_EQ(reg.entries()[0].reason, "metadata malformed: empty name");
  EXPECT_EQ(reg.entries()[1].reason, "metadata malformed: plugin 'ok' claims no targets");
  EXPECT_EQ(reg.entries()[2].reason, "plugin #2 (in memory) threw during info(): no info today");
  EXPECT_EQ(reg.entries()[3].reason, "plugin #3 is a null pointer");
  for (const auto& e : reg.entries()) {
    EXPECT_EQ(e.status, PluginStatus::refused);
    EXPECT_EQ(e.plugin, nullptr);
  }
}

TEST(RegistryFromPlugins, FirstClaimWinsWithoutPolicy) {
  const Registry reg = Registry::from_plugins({fake("a", {kStd10}), fake("b", {kStd10, kExt18})});
  EXPECT_EQ(reg.entries()[0].status, PluginStatus::loaded);
  EXPECT_EQ(reg.entries()[1].status, PluginStatus::refused);
  EXPECT_EQ(reg.entries()[1].reason,
            "capability standard:0x10 is already claimed by plugin 'a' ((in memory)) — choose one "
            "in policy: [plugin_winner] \"standard:0x10\" = \"b\" (this plugin) or \"a\"");
  EXPECT_EQ(reg.handler(kExt18), nullptr);
}

TEST(RegistryFromPlugins, RefusedLoserFreesItsOtherCapabilities) {
  // b wins 0x10 by policy, so a is refused; c then keeps extended 0x0018, which only a contested.
  RegistryOptions options;
  options.winners = {{"STANDARD:0x10", "b"}};  // keys are parsed, so case is forgiven
  const Registry reg = Registry::from_plugins(
      {fake("a", {kStd10, kExt18}), fake("b", {kStd10}), fake("c", {kExt18})}, options);
  EXPECT_EQ(reg.entries()[0].status, PluginStatus::refused);
  EXPECT_THAT(reg.entries()[0].reason, HasSubstr("is given to plugin 'b'"));
  EXPECT_EQ(reg.entries()[1].status, PluginStatus::loaded);
  EXPECT_EQ(reg.entries()[2].status, PluginStatus::loaded);
  EXPECT_EQ(reg.handler(kExt18)->name, "c");
}

TEST(RegistryFromPlugins, WinnerNamingNoClaimantFallsBackToFirst) {
  RegistryOptions options;
  options.winners = {{"standard:0x10", "zzz"}};
  const Registry reg = Registry::from_plugins({fake("a", {kStd10}), fake("b", {kStd10})}, options);
  EXPECT_EQ(reg.handler(kStd10)->name, "a");
  EXPECT_EQ(reg.entries()[1].status, PluginStatus::refused);
}

TEST(RegistryFromPlugins, DisabledDoesNotClaim) {
  RegistryOptions options;
  options.disabled = {"a"};
  const Registry reg = Registry::from_plugins({fake("a", {kStd10}), fake("b", {kStd10})}, options);
  EXPECT_EQ(reg.entries()[0].status, PluginStatus::disabled);
  EXPECT_EQ(reg.entries()[1].status, PluginStatus::loaded);
  EXPECT_EQ(reg.handler(kStd10)->name, "b");
}

TEST(RegistryFromPlugins, SameNameTwiceShadowsTheSecond) {
  const Registry reg = Registry::from_plugins({fake("a", {kStd10}), fake("a", {kStd11})});
  EXPECT_EQ(reg.entries()[1].status, PluginStatus::shadowed);
  EXPECT_EQ(reg.entries()[1].reason,
            "plugin 'a' is already loaded from (in memory), earlier on the search path");
  EXPECT_EQ(reg.handler(kStd11), nullptr);
}

TEST(CapabilityKey, FormatsAndParses) {
  EXPECT_EQ(capability_key({CapKind::standard, 0x10}), "standard:0x10");
  EXPECT_EQ(capability_key({CapKind::standard, 0x1}), "standard:0x01");
  EXPECT_EQ(capability_key({CapKind::extended, 0x18}), "extended:0x0018");
  EXPECT_EQ(capability_key({CapKind::extended, 0xABCD}), "extended:0xabcd");
  EXPECT_EQ(parse_capability_key("extended:0x0018"), (CapabilityId{CapKind::extended, 0x18}));
  EXPECT_EQ(parse_capability_key("Standard:0X1"), (CapabilityId{CapKind::standard, 0x01}));
  EXPECT_EQ(parse_capability_key("standard:0x100"), std::nullopt);  // standard IDs are 8-bit
  EXPECT_EQ(parse_capability_key("extended:0x12345"), std::nullopt);
  EXPECT_EQ(parse_capability_key("extended:0x"), std::nullopt);
  EXPECT_EQ(parse_capability_key("extended:18"), std::nullopt);
  EXPECT_EQ(parse_capability_key("msix"), std::nullopt);
}

}  // namespace
}  // namespace capstate::core
