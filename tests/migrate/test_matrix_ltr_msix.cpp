// ltr and msix: saved schema (1, 2) x target schema (1, 2), exact payloads, decoded values, the
// lossy msix downgrade refused without permission and applied with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "migrate_fixture.hpp"

namespace capstate::migratetest {
namespace {

using Bytes = std::vector<std::uint8_t>;
using F = std::tuple<std::string, std::uint32_t, bool>;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Capability kLtrCap{CapKind::extended, 0x0018, 0x148, 1};
const Capability kMsixCap{CapKind::standard, 0x11, 0x48, 0};

// The LTR endpoint of tests/data/ltr: max snoop 0x0846, max no-snoop 0x0c0f.
const Bytes kLtrV1{0x46, 0x08, 0x0f, 0x0c};
const Bytes kLtrV2{0x01, 0x00, 0x00, 0x00, 0x46, 0x08, 0x0f, 0x0c};

TEST(MatrixLtr, SameVersionIsUnchanged) {
  const ltr::LtrPlugin p;
  for (std::uint16_t v : {1, 2}) {
    const Record r = make_record(p, kLtrCap, v, v == 1 ? kLtrV1 : kLtrV2);
    EXPECT_EQ(migrate(p, r, v).record, r) << "schema " << v;
  }
}

TEST(MatrixLtr, OneToTwoJoinsTheWordsSnoopLow) {
  const ltr::LtrPlugin p;
  const core::MigrationResult m = migrate(p, make_record(p, kLtrCap, 1, kLtrV1), 2);
  EXPECT_EQ(m.record.payload, kLtrV2);
  EXPECT_TRUE(m.lost.empty());
  EXPECT_THAT(fields_of(p, m.record), ElementsAre(F{"max_latencies", 0x0c0f0846, true}));
}

TEST(MatrixLtr, TwoToOneSplitsTheDword) {
  const ltr::LtrPlugin p;
  const core::MigrationResult m = migrate(p, make_record(p, kLtrCap, 2, kLtrV2), 1);
  EXPECT_EQ(m.record.payload, kLtrV1);
  EXPECT_TRUE(m.lost.empty());
  EXPECT_THAT(fields_of(p, m.record), ElementsAre(F{"max_snoop_latency", 0x0846, true},
                                                  F{"max_no_snoop_latency", 0x0c0f, true}));
}

TEST(MatrixLtr, RoundTripsAreIdentical) {
  const ltr::LtrPlugin p;
  const Record v1 = make_record(p, kLtrCap, 1, kLtrV1);
  const Record v2 = make_record(p, kLtrCap, 2, kLtrV2);
  EXPECT_EQ(migrate(p, migrate(p, v1, 2).record, 1).record, v1);
  EXPECT_EQ(migrate(p, migrate(p, v2, 1).record, 2).record, v2);
}

TEST(MatrixLtr, MalformedPayloadsAreRefused) {
  const ltr::LtrPlugin p;
  EXPECT_THAT(
      [&] {
        migrate(p, make_record(p, kLtrCap, 1, {0x46, 0x08, 0x0f}), 2);
      },
      ::testing::ThrowsMessage<core::MigrationError>(HasSubstr(
          "plugin 'ltr' schema 1: payload of 3 bytes ends inside field 'max_no_snoop_latency'")));
  EXPECT_THAT(
      [&] {
        migrate(p, make_record(p, kLtrCap, 2, {0, 0, 0, 0}), 1);
      },
      ::testing::ThrowsMessage<core::MigrationError>(
          HasSubstr("step 2 -> 1 failed: value 'max_latencies' is absent")));
}

// MSI-X of a two-vector device at schema 2 with its table saved (BIR 0, table at 0x2000).
Bytes msix_v2_with_table() {
  Bytes b{0x03, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x20, 0x00, 0x00, 0x01, 0x02, 0x00};
  for (std::uint8_t i = 0; i < 32; ++i) {
    b.push_back(static_cast<std::uint8_t>(0xa0 + i));
  }
  return b;
}

TEST(MatrixMsix, SameVersionIsUnchanged) {
  const msix::MsixPlugin p;
  const Record v1 = make_record(p, kMsixCap, 1, {0x00, 0x80});
  const Record v2 = make_record(p, kMsixCap, 2, msix_v2_with_table());
  EXPECT_EQ(migrate(p, v1, 1).record, v1);
  EXPECT_EQ(migrate(p, v2, 2).record, v2);
}

TEST(MatrixMsix, OneToTwoLeavesTheTableUnknown) {
  const msix::MsixPlugin p;
  // Enable + Function Mask, Table Size 3 (four entries).
  const core::MigrationResult m = migrate(p, make_record(p, kMsixCap, 1, {0x03, 0xc0}), 2);
  EXPECT_TRUE(m.lost.empty());
  EXPECT_EQ(m.record.payload, (Bytes{0x01, 0x00, 0x00, 0x00, 0x03, 0xc0, 0x00, 0x04, 0x00}));
  EXPECT_THAT(fields_of(p, m.record),
              ElementsAre(F{"message_control", 0xc003, true}, F{"table_location", 0, false}));
  EXPECT_THAT(extra_of(p, m.record),
              ElementsAre(std::pair<std::string, std::uint64_t>{"table_saved", 0},
                          std::pair<std::string, std::uint64_t>{"entries", 4}));
}

TEST(MatrixMsix, TwoToOneIsRefusedWithoutPermissionNamingWhatIsLost) {
  const msix::MsixPlugin p;
  const Record v2 = make_record(p, kMsixCap, 2, msix_v2_with_table());
  EXPECT_THAT([&] { migrate(p, v2, 1); },
              ::testing::ThrowsMessage<core::MigrationError>(
                  HasSubstr("plugin 'msix': going from schema 2 to 1 loses the MSI-X vector "
                            "table and its location; allow it with --allow-lossy")));
}

TEST(MatrixMsix, TwoToOneWithPermissionKeepsMessageControlAndReportsOneLoss) {
  const msix::MsixPlugin p;
  const core::MigrationResult m = migrate(p, make_record(p, kMsixCap, 2, msix_v2_with_table()), 1,
                                          /*allow_lossy=*/true);
  EXPECT_EQ(m.record.payload, (Bytes{0x01, 0x80}));
  EXPECT_EQ(m.record.schema_version, 1);
  EXPECT_THAT(fields_of(p, m.record), ElementsAre(F{"message_control", 0x8001, true}));
  EXPECT_THAT(m.lost, ElementsAre("plugin 'msix' schema 2 -> 1: the MSI-X vector table and its "
                                  "location"));
}

TEST(MatrixMsix, RoundTrips) {
  const msix::MsixPlugin p;
  // 1 -> 2 -> 1: nothing was known about the table, so nothing is lost on the way back.
  const Record v1 = make_record(p, kMsixCap, 1, {0x01, 0x80});
  EXPECT_EQ(migrate(p, migrate(p, v1, 2).record, 1, true).record, v1);
  // 2 -> 1 -> 2 is lossy: the table and its location do not come back.
  const Record v2 = make_record(p, kMsixCap, 2, msix_v2_with_table());
  EXPECT_EQ(migrate(p, migrate(p, v2, 1, true).record, 2).record.payload,
            (Bytes{0x01, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x02, 0x00}));
}

TEST(MatrixMsix, MalformedPayloadsAreRefused) {
  const msix::MsixPlugin p;
  EXPECT_THAT(
      [&] { migrate(p, make_record(p, kMsixCap, 1, {0x01}), 2); },
      ::testing::ThrowsMessage<core::MigrationError>(HasSubstr(
          "plugin 'msix' schema 1: payload of 1 bytes ends inside field 'message_control'")));
  EXPECT_THAT(
      [&] {
        migrate(p, make_record(p, kMsixCap, 2, {0x02, 0, 0, 0, 0, 0x20, 0, 0, 0, 1, 0}), 1, true);
      },
      ::testing::ThrowsMessage<core::MigrationError>(
          HasSubstr("step 2 -> 1 failed: value 'message_control' is absent")));
}

}  // namespace
}  // namespace capstate::migratetest
