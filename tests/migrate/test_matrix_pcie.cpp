// pcie: saved schema (1, 2) x target schema (1, 2), exact payloads and decoded registers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "migrate_fixture.hpp"

namespace capstate::migratetest {
namespace {

using Bytes = std::vector<std::uint8_t>;
using F = std::tuple<std::string, std::uint32_t, bool>;

const Capability kCap{CapKind::standard, 0x10, 0x54, 0};

// A root port as schema 1 stores it: DEVCTL 000f, LNKCTL 0042 (ASPM L1 + common clock),
// SLTCTL 01c0, RTCTL 0008, DEVCTL2 0400, LNKCTL2 0004, SLTCTL2 0.
const Bytes kV1Port{0x0f, 0x00, 0x42, 0x00, 0xc0, 0x01, 0x08, 0x00, 0x00, 0x04, 0x04, 0x00, 0, 0};
// The same port at schema 2: every field present, LNKCTL in both link fields.
const Bytes kV2Port{0x7f, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x42, 0x00, 0x42,
                    0x00, 0xc0, 0x01, 0x08, 0x00, 0x00, 0x04, 0x04, 0x00};
// An endpoint at schema 2: no slot or root control (bitmap 0x67); link_control carries 0141 and
// link_control_aspm 0002, so the downgrade must combine them (0140 | 0002).
const Bytes kV2Endpoint{0x67, 0x00, 0x00, 0x00, 0x10, 0x28, 0x41,
                        0x01, 0x02, 0x00, 0x00, 0x04, 0x02, 0x00};

TEST(MatrixPcie, OneToOneIsUnchanged) {
  const pcie::PciePlugin p;
  const Record r = make_record(p, kCap, 1, kV1Port);
  const core::MigrationResult m = migrate(p, r, 1);
  EXPECT_EQ(m.record, r);
  EXPECT_TRUE(m.lost.empty());
}

TEST(MatrixPcie, OneToTwoMarksEveryFieldPresent) {
  const pcie::PciePlugin p;
  const core::MigrationResult m = migrate(p, make_record(p, kCap, 1, kV1Port), 2);
  EXPECT_EQ(m.record.schema_version, 2);
  EXPECT_EQ(m.record.payload, kV2Port);
  EXPECT_EQ(m.record.fingerprint, make_record(p, kCap, 2, {}).fingerprint);
  EXPECT_TRUE(m.lost.empty());
  EXPECT_THAT(
      fields_of(p, m.record),
      ::testing::ElementsAre(F{"device_control", 0x000f, true}, F{"link_control", 0x0042, true},
                             F{"link_control_aspm", 0x0042, true}, F{"slot_control", 0x01c0, true},
                             F{"root_control", 0x0008, true}, F{"device_control2", 0x0400, true},
                             F{"link_control2", 0x0004, true}));
}

TEST(MatrixPcie, TwoToTwoIsUnchanged) {
  const pcie::PciePlugin p;
  const Record r = make_record(p, kCap, 2, kV2Endpoint);
  EXPECT_EQ(migrate(p, r, 2).record, r);
}

TEST(MatrixPcie, TwoToOneFillsAbsentWithZeroAndJoinsTheLinkFields) {
  const pcie::PciePlugin p;
  const core::MigrationResult m = migrate(p, make_record(p, kCap, 2, kV2Endpoint), 1);
  EXPECT_TRUE(m.lost.empty());  // lossless: no permission needed
  EXPECT_EQ(m.record.schema_version, 1);
  EXPECT_EQ(m.record.payload,
            (Bytes{0x10, 0x28, 0x42, 0x01, 0, 0, 0, 0, 0x00, 0x04, 0x02, 0x00, 0, 0}));
  EXPECT_EQ(m.record.fingerprint, make_record(p, kCap, 1, {}).fingerprint);
  EXPECT_THAT(
      fields_of(p, m.record),
      ::testing::ElementsAre(F{"device_control", 0x2810, true}, F{"link_control", 0x0142, true},
                             F{"slot_control", 0, true}, F{"root_control", 0, true},
                             F{"device_control2", 0x0400, true}, F{"link_control2", 0x0002, true},
                             F{"slot_control2", 0, false}));
}

TEST(MatrixPcie, RoundTripsGiveBackIdenticalPayloads) {
  const pcie::PciePlugin p;
  const Record v1 = make_record(p, kCap, 1, kV1Port);
  EXPECT_EQ(migrate(p, migrate(p, v1, 2).record, 1).record, v1);
  const Record v2 = make_record(p, kCap, 2, kV2Port);
  EXPECT_EQ(migrate(p, migrate(p, v2, 1).record, 2).record, v2);
  // An endpoint's absent registers come back present with value 0 (schema 1 cannot say absent);
  // restore re-evaluates presence on the device and skips registers it lacks.
  const Record endpoint = make_record(p, kCap, 2, kV2Endpoint);
  EXPECT_EQ(migrate(p, migrate(p, endpoint, 1).record, 2).record.payload,
            (Bytes{0x7f, 0x00, 0x00, 0x00, 0x10, 0x28, 0x42, 0x01, 0x42, 0x01, 0x00, 0x00, 0x00,
                   0x00, 0x00, 0x04, 0x02, 0x00}));
}

TEST(MatrixPcie, MalformedPayloadsAreRefusedWithTheStepAndTheByteCount) {
  const pcie::PciePlugin p;
  Bytes short_v1 = kV1Port;
  short_v1.pop_back();
  EXPECT_THAT([&] { migrate(p, make_record(p, kCap, 1, short_v1), 2); },
              ::testing::ThrowsMessage<core::MigrationError>(::testing::HasSubstr(
                  "plugin 'pcie' step 1 -> 2 failed: plugin 'pcie' schema 1: payload of 13 bytes "
                  "ends inside field 'slot_control2'")));
  Bytes long_v2 = kV2Endpoint;
  long_v2.push_back(0);
  EXPECT_THAT([&] { migrate(p, make_record(p, kCap, 2, long_v2), 1); },
              ::testing::ThrowsMessage<core::MigrationError>(::testing::HasSubstr(
                  "payload has 1 unexpected bytes after the 14 bytes of fields and arrays")));
  EXPECT_THAT(
      [&] {
        migrate(p, make_record(p, kCap, 2, {0x80, 0, 0, 0, 1, 2}), 1);
      },
      ::testing::ThrowsMessage<core::MigrationError>(
          ::testing::HasSubstr("presence bitmap 0x80 marks fields beyond the 7 the layout has")));
}

}  // namespace
}  // namespace capstate::migratetest
