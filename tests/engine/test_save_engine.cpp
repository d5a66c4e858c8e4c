// read_identity, save_record, decode_record and assemble_record with fake devices and a fake
// plugin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dispatch/device_save.hpp"
#include "engine/layout_text.hpp"
#include "engine/plugin_call.hpp"
#include "fake_plugin.hpp"
#include "fake_spaces.hpp"

namespace capstate::core {
namespace {

using capstate::testing::FakeConfigSpace;
using capstate::testing::FakePlugin;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(ReadIdentity, Type0HeaderReadsSubsystem) {
  FakeConfigSpace cfg(kConventionalSize);
  cfg.set(0x00, Width::dword, 0x10d38086);  // device 0x10d3, vendor 0x8086
  cfg.set(0x08, Width::dword, 0x02000001);  // class 0x020000, revision 0x01
  cfg.set(0x0e, Width::byte, 0x80);         // type 0, multi-function
  cfg.set(0x2c, Width::dword, 0x00001af4);  // subsystem 0x0000, subsystem vendor 0x1af4
  const DeviceIdentity id = read_identity(cfg);
  EXPECT_EQ(id, (DeviceIdentity{.vendor_id = 0x8086,
                                .device_id = 0x10d3,
                                .subsystem_vendor_id = 0x1af4,
                                .subsystem_id = 0x0000,
                                .class_code = 0x020000,
                                .revision = 0x01,
                                .header_type = 0x80}));
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{1, 0, 3}));
}

TEST(ReadIdentity, Type1HeaderSkipsSubsystem) {
  FakeConfigSpace cfg(kConventionalSize);
  cfg.set(0x0e, Width::byte, 0x01);
  cfg.set(0x2c, Width::dword, 0xffffffff);
  const DeviceIdentity id = read_identity(cfg);
  EXPECT_EQ(id.subsystem_vendor_id, 0);
  EXPECT_EQ(id.header_type, 0x01);
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{1, 0, 2}));
}

constexpr Capability kCap{.kind = CapKind::standard, .id = 0x99, .offset = 0x40};

FakeConfigSpace fake_device(bool ext) {
  FakeConfigSpace cfg(kConventionalSize, "0000:05:00.0");
  cfg.set(0x42, Width::word, ext ? 0x1 : 0x0);
  cfg.set(0x44, Width::word, 0xabcd);
  cfg.set(0x48, Width::dword, 0xcafef00d);
  return cfg;
}

TEST(SaveRecord, CurrentLayoutFieldsThenExtra) {
  FakePlugin plugin;
  FakeConfigSpace cfg = fake_device(true);
  const Record r = save_record(plugin, kCap, cfg, nullptr);
  EXPECT_EQ(r.capability, kCap);
  EXPECT_EQ(r.plugin, "fake");
  EXPECT_EQ(r.schema_version, 2);
  EXPECT_EQ(r.fingerprint, layout_fingerprint("fake", FakePlugin::kLayouts[1]));
  const std::vector<std::uint8_t> expected{
      0x03, 0x00, 0x00, 0x00,  // presence bitmap: ctl, ext
      0xcd, 0xab,              // ctl
      0x0d, 0xf0, 0xfe, 0xca,  // ext
      0xcd, 0x40,              // extra: echo of ctl's low byte, capability offset
  };
  EXPECT_EQ(r.payload, expected);
  // Flags word, ctl word, ext dword.
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 2, 1}));
}

TEST(SaveRecord, AbsentFieldNotRead) {
  FakePlugin plugin;
  FakeConfigSpace cfg = fake_device(false);
  const Record r = save_record(plugin, kCap, cfg, nullptr);
  EXPECT_EQ(r.payload, (std::vector<std::uint8_t>{0x01, 0, 0, 0, 0xcd, 0xab, 0xcd, 0x40}));
  EXPECT_EQ(cfg.reads_by_width, (std::array<unsigned, 3>{0, 2, 0}));
}

TEST(SaveRecord, PluginExceptionNamesPluginDeviceAndCapability) {
  FakePlugin plugin;
  plugin.throw_on_save = true;
  FakeConfigSpace cfg = fake_device(true);
  EXPECT_THAT([&] { save_record(plugin, kCap, cfg, nullptr); },
              ThrowsMessage<PluginFailure>(
                  HasSubstr("plugin 'fake' failed while saving standard capability 0x99 at "
                            "0x040 on 0000:05:00.0: boom")));
}

TEST(DecodeRecord, FieldsAndExtra) {
  FakePlugin plugin;
  FakeConfigSpace cfg = fake_device(true);
  const DecodedRecord d = decode_record(plugin, save_record(plugin, kCap, cfg, nullptr));
  EXPECT_EQ(d.plugin, "fake");
  EXPECT_EQ(d.schema_version, 2);
  EXPECT_EQ(d.fields, (std::vector<FieldValue>{{"ctl", 0xabcd, true, Width::word},
                                               {"ext", 0xcafef00d, true, Width::dword}}));
  EXPECT_EQ(d.extra, (std::vector<DecodedValue>{{"echo", 0xcd, 8}, {"where", 0x40, 8}}));
}

TEST(DecodeRecord, OlderSchemaInWindow) {
  FakePlugin plugin;
  Record r{kCap,
           "fake",
           1,
           layout_fingerprint("fake", FakePlugin::kLayouts[0]),
           {0x34, 0x12, 0, 0, 0, 0},
           ""};
  const DecodedRecord d = decode_record(plugin, r);
  EXPECT_EQ(d.fields[0].value, 0x1234U);
  EXPECT_TRUE(d.extra.empty());
}

TEST(DecodeRecord, RefusesChangedFingerprint) {
  FakePlugin plugin;
  FakeConfigSpace cfg = fake_device(true);
  Record r = save_record(plugin, kCap, cfg, nullptr);
  const std::uint64_t good = r.fingerprint;
  r.fingerprint = 0x0123456789abcdefULL;
  char expected_fp[320];
  std::snprintf(expected_fp, sizeof expected_fp,
                "plugin 'fake' schema 2: the record's layout fingerprint 0x0123456789abcdef "
                "differs from 0x%016llx, which plugin 'fake' 0.1 has for that schema: the layout "
                "changed without a version bump (record for standard capability 0x99 at 0x040)",
                static_cast<unsigned long long>(good));
  EXPECT_THAT([&] { decode_record(plugin, r); },
              ThrowsMessage<EngineError>(
                  AllOf(HasSubstr(expected_fp),
                        HasSubstr("use the plugin build that wrote the record, or save the device "
                                  "again with this one"))));
}

TEST(DecodeRecord, RefusesSchemaOutsideWindow) {
  FakePlugin plugin;
  Record r{kCap, "fake", 3, 0, {}, ""};
  EXPECT_THAT([&] { decode_record(plugin, r); },
              ThrowsMessage<EngineError>(HasSubstr(
                  "plugin 'fake' 0.1 reads schema versions 1 to 2, but the record for standard "
                  "capability 0x99 at 0x040 has schema 3; install a newer plugin")));
  r.schema_version = 0;
  EXPECT_THAT([&] { decode_record(plugin, r); },
              ThrowsMessage<EngineError>(AllOf(HasSubstr("has schema 0"),
                                               HasSubstr("older than this plugin still reads"))));
}

TEST(DecodeRecord, RefusesOtherPluginsRecord) {
  FakePlugin plugin;
  Record r{kCap, "other", 2, 0, {}, ""};
  EXPECT_THAT([&] { decode_record(plugin, r); },
              ThrowsMessage<EngineError>(HasSubstr("was given to plugin 'fake'")));
}

TEST(DecodeRecord, MalformedExtraBecomesPluginFailure) {
  FakePlugin plugin;
  FakeConfigSpace cfg = fake_device(true);
  Record r = save_record(plugin, kCap, cfg, nullptr);
  r.payload.pop_back();
  EXPECT_THAT([&] { decode_record(plugin, r); },
              ThrowsMessage<PluginFailure>(HasSubstr("fake extra needs 2 bytes, got 1")));
}

TEST(AssembleRecord, InverseOfDecode) {
  FakePlugin plugin;
  FakeConfigSpace cfg = fake_device(true);
  const Record saved = save_record(plugin, kCap, cfg, nullptr);
  const DecodedRecord d = decode_record(plugin, saved);
  EXPECT_EQ(assemble_record(plugin, kCap, 2, d.fields, d.extra), saved);
}

TEST(AssembleRecord, Errors) {
  FakePlugin plugin;
  const std::vector<FieldValue> fields{{"ctl", 1, true, Width::word},
                                       {"ext", 2, true, Width::dword}};
  const std::vector<DecodedValue> extra{{"echo", 1, 8}, {"where", 2, 8}};
  EXPECT_THAT(
      [&] { assemble_record(plugin, kCap, 1, fields, extra); },
      ThrowsMessage<EngineError>(HasSubstr("schema 1 has no extra data, but value 'echo'")));
  EXPECT_THAT([&] { assemble_record(plugin, kCap, 7, fields, extra); },
              ThrowsMessage<EngineError>(HasSubstr("reads schema versions 1 to 2")));
  const std::vector<FieldValue> missing{{"ctl", 1, true, Width::word}};
  EXPECT_THAT([&] { assemble_record(plugin, kCap, 2, missing, extra); },
              ThrowsMessage<PayloadError>(HasSubstr("field 'ext' is missing")));
  const Record old = assemble_record(plugin, kCap, 1, fields, {});
  EXPECT_EQ(old.payload, (std::vector<std::uint8_t>{0x01, 0x00, 0x02, 0x00, 0x00, 0x00}));
  EXPECT_EQ(old.fingerprint, layout_fingerprint("fake", FakePlugin::kLayouts[0]));
}

}  // namespace
}  // namespace capstate::core
