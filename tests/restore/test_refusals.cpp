// Restores refused before anything is written: every case leaves the model untouched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "restore/restore_plan.hpp"
#include "restore/restore_run.hpp"
#include "restore_fixture.hpp"
#include "statefile/codec.hpp"

namespace capstate::restoretest {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

/// A port after a reset, and the state saved from a configured one.
class RestoreRefusal : public ::testing::Test {
 protected:
  RestoreRefusal() : registry_(shipped()), saved_(save_image(port_image({}), {}, registry_)) {
    add_device(source_, kPort, image_, {});
  }

  /// Plans `section` against the port with `registry`, expecting RestoreRefused; returns its text
  /// after checking that nothing was written and the bytes are unchanged.
  std::string refusal(const DeviceSection& section, const Registry& registry,
                      const core::RestoreOptions& options = {}) {
    std::string text = "(not refused)";
    try {
      Device device = source_.open(kPort);
      (void)core::plan_restore(device, section, registry, options);
    } catch (const core::RestoreRefused& e) {
      text = e.what();
    }
    EXPECT_EQ(source_.counts(kPort).total_writes(), 0U);
    EXPECT_EQ(std::vector<std::uint8_t>(source_.bytes(kPort).begin(), source_.bytes(kPort).end()),
              image_.bytes);
    return text;
  }

  Record& record(DeviceSection& section, std::string_view plugin) {
    for (Record& r : section.records) {
      if (r.plugin == plugin) {
        return r;
      }
    }
    throw std::logic_error("no record of plugin " + std::string(plugin));
  }

  Registry registry_;
  DeviceSection saved_;
  Image image_ = port_image(reset_values());
  ModelSource source_;
};

TEST_F(RestoreRefusal, IdentityMismatchNamesBothIdentities) {
  DeviceSection other = saved_;
  other.identity.device_id = 0xa111;
  EXPECT_THAT(refusal(other, registry_),
              AllOf(HasSubstr("0000:00:1c.0: the saved state belongs to another device"),
                    HasSubstr("saved 8086:a111 class 060400 rev 11 subsystem 0000:0000"),
                    HasSubstr("found 8086:a110 class 060400 rev 11 subsystem 0000:0000"),
                    HasSubstr("nothing was written")));
}

TEST_F(RestoreRefusal, RevisionMismatchPassesWithIdentityIds) {
  DeviceSection other = saved_;
  other.identity.revision = 0x12;
  EXPECT_THAT(refusal(other, registry_), HasSubstr("saved 8086:a110 class 060400 rev 12"));
  ModelSource fresh;
  add_device(fresh, kPort, image_, {});
  Device device = fresh.open(kPort);
  core::RestoreOptions ids;
  ids.identity = core::IdentityMode::ids;
  const DevicePlan plan = core::plan_restore(device, other, registry_, ids);
  EXPECT_FALSE(plan.writes.empty());
}

TEST_F(RestoreRefusal, MissingCapabilityIsNamed) {
  DeviceSection moved = saved_;
  record(moved, "msix").capability.offset = 0x90;
  EXPECT_THAT(refusal(moved, registry_),
              AllOf(HasSubstr("the saved standard capability 0x11 at 0x090 (plugin 'msix') is not "
                              "on the device"),
                    HasSubstr("it has: standard capability 0x10 at 0x040, standard capability "
                              "0x11 at 0x080, extended capability 0x0018 at 0x100"),
                    HasSubstr("nothing was written")));
}

TEST_F(RestoreRefusal, PluginNotLoaded) {
  const Registry without_ltr = Registry::from_plugins(
      {std::make_shared<pcie::PciePlugin>(), std::make_shared<msix::MsixPlugin>()});
  EXPECT_THAT(refusal(saved_, without_ltr),
              AllOf(HasSubstr("the extended capability 0x0018 at 0x100 was saved by plugin 'ltr', "
                              "which is not loaded; nothing was written"),
                    HasSubstr("--plugin-dir")));
}

TEST_F(RestoreRefusal, FingerprintMismatchWithoutVersionBump) {
  DeviceSection changed = saved_;
  record(changed, "pcie").fingerprint ^= 0x1;
  EXPECT_THAT(
      refusal(changed, registry_),
      AllOf(HasSubstr("standard capability 0x10 at 0x040: plugin 'pcie' schema 2: the "
                      "record's layout fingerprint"),
            HasSubstr("layout changed without a version bump"), HasSubstr("nothing was written")));
}

TEST_F(RestoreRefusal, SchemaNewerThanThePlugin) {
  DeviceSection newer = saved_;
  record(newer, "ltr").schema_version = 3;
  EXPECT_THAT(refusal(newer, registry_),
              AllOf(HasSubstr("plugin 'ltr' 1.0.0 reads schema versions 1 to 2, but the record "
                              "for extended capability 0x0018 at 0x100"),
                    HasSubstr("has schema 3"), HasSubstr("install a newer plugin")));
}

TEST_F(RestoreRefusal, RefusalOfALaterRecordStillWritesNothing) {
  DeviceSection later = saved_;
  record(later, "ltr").schema_version = 0;  // pcie and msix plan first, then ltr is refused
  EXPECT_THAT(refusal(later, registry_), HasSubstr("has schema 0"));
}

TEST_F(RestoreRefusal, TruncatedPayloadIsRefused) {
  DeviceSection cut = saved_;
  record(cut, "pcie").payload.resize(6);  // bitmap and device_control only
  EXPECT_EQ(refusal(cut, registry_),
            "0000:00:1c.0: standard capability 0x10 at 0x040: plugin 'pcie' schema 2: payload of "
            "6 bytes ends inside field 'link_control' (needs bytes 6..7); the record is truncated "
            "or corrupt; nothing was written");
}

TEST_F(RestoreRefusal, CorruptFileIsRefusedByTheDecoder) {
  core::StateFile file;
  file.envelope.producer_name = "capstate";
  file.envelope.producer_version = "0.1.0";
  file.devices.push_back(saved_);
  std::vector<std::uint8_t> bytes = core::encode_state(file, "port.cst");
  EXPECT_EQ(core::decode_state(bytes, "port.cst"), file);
  bytes[bytes.size() / 2] ^= 0x40;
  EXPECT_THROW((void)core::decode_state(bytes, "port.cst"), core::StateFileError);
  try {
    (void)core::decode_state(bytes, "port.cst");
  } catch (const core::StateFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("port.cst"));
  }
  EXPECT_EQ(source_.counts(kPort).total_writes(), 0U);
}

// Two devices in the file, the second missing from the source: nothing is planned or written.
TEST_F(RestoreRefusal, DeviceAbsentFromTheSource) {
  core::StateFile file;
  file.devices.push_back(saved_);
  DeviceSection gone = saved_;
  gone.address = PciAddress{0, 0x00, 0x1d, 0};
  file.devices.push_back(gone);
  std::string text = "(not refused)";
  try {
    (void)core::plan_restores(source_, file, {}, registry_, {});
  } catch (const core::RestoreRefused& e) {
    text = e.what();
  }
  EXPECT_EQ(text,
            "0000:00:1d.0: saved in the file but not present in in-memory model (1 devices); "
            "nothing was written. Restore the other devices with -s");
  EXPECT_EQ(source_.counts(kPort).total_writes(), 0U);
  // Selecting the present device restores it alone.
  std::vector<core::DeviceRestore> restores =
      core::plan_restores(source_, file, {kPort}, registry_, {});
  ASSERT_EQ(restores.size(), 1U);
  core::apply_restores(restores, true);
  EXPECT_EQ(restores[0].result.written, 8U);  // 6 pcie, msix control, ltr
  EXPECT_TRUE(restores[0].result.mismatches.empty());
  EXPECT_EQ(value_at(source_.bytes(kPort), kDevCtl, Width::word), 0x201fU);
}

TEST_F(RestoreRefusal, SelectionMatchingNoDevice) {
  core::StateFile file;
  file.devices.push_back(saved_);
  EXPECT_THROW((void)core::plan_restores(source_, file, {PciAddress{0, 5, 0, 0}}, registry_, {}),
               core::RestoreRefused);
  EXPECT_EQ(source_.counts(kPort).total_writes(), 0U);
}

}  // namespace
}  // namespace capstate::restoretest
