// Every truncation and every single-bit flip of an encoded file is refused, never accepted, in
// envelope version 1 and in version 2 (whose sample has a header, a region and claims).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "samples.hpp"
#include "statefile/codec.hpp"

namespace capstate::core {
namespace {

using ::testing::HasSubstr;

class StateFileDamage : public ::testing::TestWithParam<std::uint16_t> {
 protected:
  StateFile file = test::sample_state(3, 3, 6, GetParam());
  std::vector<std::uint8_t> bytes = encode_state(file);
  test::Layout layout = test::layout_of(file);
};

TEST_P(StateFileDamage, LayoutHelperAgreesWithTheEncoder) {
  ASSERT_EQ(layout.records.size(), 9u);
  EXPECT_EQ(layout.records.back().end, bytes.size());
  EXPECT_EQ(layout.header_length, bytes[0x0a]);
  EXPECT_EQ(bytes[0x08], GetParam());
  if (GetParam() >= 2) {
    EXPECT_EQ(file.devices[2].records[0].capability.kind, CapKind::header);
    EXPECT_EQ(file.devices[2].records[2].capability.kind, CapKind::region);
    EXPECT_FALSE(file.devices[2].records[2].claim.empty());
  }
}

TEST_P(StateFileDamage, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::span<const std::uint8_t> cut(bytes.data(), n);
    try {
      decode_state(cut, "cut.cst");
      ADD_FAILURE() << "a file cut to " << n << " bytes was accepted";
    } catch (const StateFileError& e) {
      EXPECT_EQ(e.where().file, "cut.cst");
    }
  }
}

TEST_P(StateFileDamage, TruncationMessagesSayWhatHappened) {
  auto message = [&](std::size_t n) {
    try {
      decode_state(std::span<const std::uint8_t>(bytes.data(), n), "cut.cst");
    } catch (const StateFileError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(message(0),
            "cut.cst: byte 0x0: the file is empty; the file is truncated or corrupt — "
            "save the device again");
  EXPECT_THAT(message(5),
              HasSubstr("the file is only 5 bytes and ends before the envelope version"));
  EXPECT_THAT(message(30), HasSubstr("the file is only 30 bytes, shorter than the 41-byte smallest "
                                     "header"));
  EXPECT_THAT(
      message(bytes.size() - 1),
      HasSubstr("cut.cst: byte 0xe: the header says the file is " + std::to_string(bytes.size()) +
                " bytes but only " + std::to_string(bytes.size() - 1) + " are there"));
}

// A flip inside a record must be blamed on that record (its CRC covers it); anywhere else the
// structure checks or the whole-file CRC catch it.
TEST_P(StateFileDamage, EveryBitFlipIsRefusedAndRecordFlipsNameTheRecord) {
  std::size_t blamed_right = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const test::RecordExtent* inside = nullptr;
    for (const auto& r : layout.records) {
      if (i >= r.begin && i < r.end) {
        inside = &r;
      }
    }
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::uint8_t> bad = bytes;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      try {
        decode_state(bad, "flip.cst");
        ADD_FAILURE() << "flipping bit " << bit << " of byte " << i << " was not noticed";
      } catch (const StateFileError& e) {
        if (inside != nullptr) {
          EXPECT_EQ(e.where().section_index, inside->section) << e.what();
          EXPECT_EQ(e.where().record_index, inside->record) << e.what();
          std::string expected = "device section " + std::to_string(inside->section + 1) + " (" +
                                 "0000:0" + std::to_string(inside->section + 1) + ":00." +
                                 std::to_string(inside->section) + "), record " +
                                 std::to_string(inside->record + 1) + ": ";
          if (std::string(e.what()).find(expected) != std::string::npos) {
            ++blamed_right;
          } else {
            ADD_FAILURE() << "byte " << i << " bit " << bit << ": " << e.what();
          }
        }
      }
    }
  }
  std::size_t record_bytes = 0;
  for (const auto& r : layout.records) {
    record_bytes += r.end - r.begin;
  }
  EXPECT_EQ(blamed_right, record_bytes * 8);
}

TEST_P(StateFileDamage, FlipsOutsideRecordsGiveFittingMessages) {
  auto flip = [&](std::size_t at, std::uint8_t mask) {
    std::vector<std::uint8_t> bad = bytes;
    bad[at] ^= mask;
    try {
      decode_state(bad, "flip.cst");
    } catch (const StateFileError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_THAT(flip(0, 0x80), HasSubstr("not a capstate state file: it starts with 09 43 53 54"));
  EXPECT_THAT(flip(0x1e, 0x01), HasSubstr("flip.cst: byte 0x16: file checksum mismatch"));
  // The vendor ID of section 2 is covered only by the whole-file checksum.
  EXPECT_THAT(flip(layout.section_begin[1] + 11, 0x01), HasSubstr("file checksum mismatch"));
  // Section 2's record count grows by one: the section cannot hold it.
  EXPECT_THAT(flip(layout.section_begin[1] + 25, 0x04),
              HasSubstr("device section 2 (0000:02:00.1), record 4: the device section declares 7 "
                        "records but holds only 3"));
}

INSTANTIATE_TEST_SUITE_P(EnvelopeVersions, StateFileDamage, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<std::uint16_t>& info) {
                           return "v" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace capstate::core
