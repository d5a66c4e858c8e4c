// Hostile state files through the whole restore path (decode, plan, apply) against the q35 dump:
// each is refused with a message naming what is wrong, and no write reaches any device.
// tests/statefile checks the codec's own messages; these tests check that a refusal anywhere
// (decoder or planner, first device or last) means zero writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alloc_counter.hpp"
#include "hostile_support.hpp"
#include "statefile/codec.hpp"
#include "statefile/crc32c.hpp"

namespace capstate::hostile {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::uint64_t get_le(const std::vector<std::uint8_t>& b, std::size_t at, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) {
    v = (v << 8) | b.at(at + static_cast<std::size_t>(i));
  }
  return v;
}

void put_le(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) {
    b.at(at + static_cast<std::size_t>(i)) = static_cast<std::uint8_t>(v >> (8 * i));
  }
}

/// Where the sections and records of an encoded file lie, read from their length fields.
struct Extents {
  std::vector<std::size_t> sections;  // offset of each section
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>>
      records;  // [begin, end) per section
};

Extents extents(const std::vector<std::uint8_t>& b) {
  Extents e;
  std::size_t pos = get_le(b, 0x0a, 4);
  const std::size_t count = get_le(b, 0x1a, 4);
  for (std::size_t s = 0; s < count; ++s) {
    e.sections.push_back(pos);
    const std::size_t end = pos + get_le(b, pos, 4);
    const std::size_t records = get_le(b, pos + 25, 4);
    std::size_t r = pos + 0x1d;
    e.records.emplace_back();
    for (std::size_t i = 0; i < records; ++i) {
      const std::size_t len = get_le(b, r, 4);
      e.records.back().emplace_back(r, r + len);
      r += len;
    }
    pos = end;
  }
  return e;
}

/// Recomputes a record's CRC and the whole-file checksum, so a patch reaches the later checks.
void reseal(std::vector<std::uint8_t>& b, std::pair<std::size_t, std::size_t> rec) {
  const auto crc =
      core::crc32c(std::span<const std::uint8_t>(b).subspan(rec.first, rec.second - rec.first - 4));
  put_le(b, rec.second - 4, crc, 4);
  put_le(b, 0x16, core::state_file_checksum(b), 4);
}

void reseal_file(std::vector<std::uint8_t>& b) {
  put_le(b, 0x16, core::state_file_checksum(b), 4);
}

class HostileStateFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    good_ = new std::vector<std::uint8_t>(q35_state_bytes({"0000:00:01.0", "0000:01:00.0"}));
  }
  static void TearDownTestSuite() {
    delete good_;
    good_ = nullptr;
  }
  const std::vector<std::uint8_t>& good() const { return *good_; }
  std::pair<std::size_t, std::size_t> rec(std::size_t s, std::size_t r) const {
    return extents(good()).records.at(s).at(r);
  }

  /// Restores `bytes`; expects a refusal containing `fragment` and zero device writes.
  void expect_refused(const std::vector<std::uint8_t>& bytes, const std::string& fragment) {
    const RestoreOutcome o = restore_bytes(bytes);
    EXPECT_THAT(o.error, HasSubstr(fragment));
    EXPECT_EQ(o.writes, 0U) << o.error;
  }

  static std::vector<std::uint8_t>* good_;
};

std::vector<std::uint8_t>* HostileStateFile::good_ = nullptr;

TEST_F(HostileStateFile, TheUnchangedFileRestoresAndWrites) {
  // The control: the same pipeline does write when the file is good (so "0 writes" means
  // something), and the fixture file has two devices: the root port with five records (header,
  // pcie, msix, acs, aer), the NIC with six (header, pm, msi, pcie, msix, aer: its capability
  // list order).
  const Extents e = extents(good());
  ASSERT_EQ(e.sections.size(), 2U);
  ASSERT_EQ(e.records[0].size(), 5U);
  ASSERT_EQ(e.records[1].size(), 6U);
  const RestoreOutcome o = restore_bytes(good());
  EXPECT_EQ(o.error, "");
  EXPECT_EQ(o.plans.size(), 2U);
}

TEST_F(HostileStateFile, EveryTruncationIsRefusedWithoutWrites) {
  core::DumpSource source(q35_dump());
  for (std::size_t n = 0; n < good().size(); ++n) {
    const std::vector<std::uint8_t> cut(good().begin(), good().begin() + static_cast<long>(n));
    try {
      core::decode_state(cut, "cut.cst");
      ADD_FAILURE() << "a file cut to " << n << " bytes was accepted";
    } catch (const std::exception& e) {
      EXPECT_THAT(e.what(), HasSubstr("cut.cst")) << n;
    }
  }
  EXPECT_EQ(total_writes(source), 0U);
  expect_refused({}, "the file is empty");
  expect_refused(std::vector<std::uint8_t>(good().begin(), good().end() - 1),
                 "the header says the file is " + std::to_string(good().size()) +
                     " bytes but only " + std::to_string(good().size() - 1) + " are there");
}

TEST_F(HostileStateFile, EveryBitFlipIsRefused) {
  for (std::size_t at = 0; at < good().size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::uint8_t> flipped = good();
      flipped[at] ^= static_cast<std::uint8_t>(1U << bit);
      EXPECT_THROW(core::decode_state(flipped, "flip.cst"), std::runtime_error)
          << "byte " << at << " bit " << bit;
    }
  }
  std::vector<std::uint8_t> flipped = good();
  flipped[rec(1, 1).first + 20] ^= 0x01;
  expect_refused(flipped, "record 2: record checksum mismatch");
}

TEST_F(HostileStateFile, WrongMagicAndFutureEnvelope) {
  std::vector<std::uint8_t> b = good();
  b[1] = 'X';
  expect_refused(b, "not a capstate state file: it starts with 89 58 53 54");
  b = good();
  put_le(b, 0x08, 3, 2);
  expect_refused(b, "envelope version 3 is newer than this capstate reads (up to version 2)");
  put_le(b, 0x08, 0xffff, 2);
  expect_refused(b, "envelope version 65535 is newer");
}

TEST_F(HostileStateFile, LengthsPastTheEnd) {
  std::vector<std::uint8_t> b = good();
  put_le(b, extents(b).sections[1], good().size(), 4);
  reseal_file(b);
  expect_refused(b, ", device section 2: device section length");
  expect_refused(b, "device section length " + std::to_string(good().size()));
  b = good();
  put_le(b, rec(0, 0).first, 0x10000, 4);
  reseal_file(b);
  expect_refused(b, "record length 65536 (0x10000) exceeds the");
}

TEST_F(HostileStateFile, HugeDeclaredLengthsFailFastWithoutAllocating) {
  struct Case {
    std::size_t at;
    int width;
    std::uint64_t value;
    std::string fragment;
  };
  const std::size_t s1 = extents(good()).sections[0];
  const std::vector<Case> cases = {
      {0x0e, 8, 0xffffffffffffffffULL, "the header says the file is 18446744073709551615 bytes"},
      {0x0a, 4, 0xffffffffU, "header length 4294967295 (0xffffffff) is outside"},
      {0x1a, 4, 0xffffffffU, "the header declares 4294967295 device sections but the file ends"},
      {s1, 4, 0xffffffffU, "device section length 4294967295 (0xffffffff) exceeds"},
      {s1 + 25, 4, 0xffffffffU, "declares 4294967295 records but holds only 5"},
      {rec(0, 0).first, 4, 0xfffffff0U, "record length 4294967280 (0xfffffff0) exceeds"},
  };
  for (const Case& c : cases) {
    std::vector<std::uint8_t> b = good();
    put_le(b, c.at, c.value, c.width);
    reseal_file(b);
    reset_largest_allocation();
    try {
      core::decode_state(b, "huge.cst");
      ADD_FAILURE() << c.fragment;
    } catch (const std::exception& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.fragment));
    }
    // Nothing near the declared size: at most a small multiple of the file itself.
    EXPECT_LT(largest_allocation(), 4 * good().size()) << c.fragment;
    expect_refused(b, c.fragment);
  }
}

TEST_F(HostileStateFile, HugePayloadLengthInsideASealedRecord) {
  // The payload length sits 4 bytes before the payload; find it from the plugin-name and claim
  // lengths (envelope version 2: the claim string follows the plugin name).
  std::vector<std::uint8_t> b = good();
  const auto r = rec(0, 0);
  const std::size_t name_len = b[r.first + 10];
  const std::size_t claim_len = b[r.first + 11 + name_len];
  const std::size_t payload_length_at = r.first + 10 + 1 + name_len + 1 + claim_len + 10;
  put_le(b, payload_length_at, 0xffffffffU, 4);
  reseal(b, r);
  reset_largest_allocation();
  EXPECT_THROW(core::decode_state(b, "huge.cst"), std::runtime_error);
  EXPECT_LT(largest_allocation(), 4 * good().size());
  expect_refused(b, "payload length 4294967295 (0xffffffff) exceeds the");
}

TEST_F(HostileStateFile, RecordAndSectionCountsThatLie) {
  std::vector<std::uint8_t> b = good();
  const std::size_t s2 = extents(b).sections[1];
  put_le(b, s2 + 25, 7, 4);
  reseal_file(b);
  expect_refused(b, ", device section 2 (0000:01:00.0), record 7: the device section declares");
  expect_refused(b, "the device section declares 7 records but holds only 6");
  put_le(b, s2 + 25, 1, 4);
  reseal_file(b);
  expect_refused(b, "bytes are left in the device section after its 1 declared records");
  b = good();
  put_le(b, 0x1a, 3, 4);
  reseal_file(b);
  expect_refused(b, "the header declares 3 device sections but the file ends after 2");
  put_le(b, 0x1a, 1, 4);
  reseal_file(b);
  expect_refused(b, "follow the last of the 1 declared device sections");
}

TEST_F(HostileStateFile, DuplicateAndOverlappingRecords) {
  // The NIC's records 2 and 3: Power Management at 0xc8 and MSI at 0xd0 (record 1 is its
  // header).
  std::vector<std::uint8_t> b = good();
  const auto first = rec(1, 1);
  const auto second = rec(1, 2);
  // Record 3 gets record 2's kind, ID and offset.
  std::copy(b.begin() + static_cast<long>(first.first + 4),
            b.begin() + static_cast<long>(first.first + 9),
            b.begin() + static_cast<long>(second.first + 4));
  reseal(b, second);
  expect_refused(b,
                 "record 3: standard capability 0x01 at 0x0c8 was already saved in record 2; "
                 "each capability instance may be saved only once");
  // Record 3 keeps its ID but moves to record 2's offset: the same registers, twice.
  b = good();
  put_le(b, second.first + 7, get_le(b, first.first + 7, 2), 2);
  reseal(b, second);
  expect_refused(b,
                 "record 3: standard capability 0x05 at 0x0c8 overlaps record 2 (standard "
                 "capability 0x01 at 0x0c8, at the same offset)");
  // Two header records: the second is the same target again.
  b = good();
  const auto header = rec(1, 0);
  std::copy(b.begin() + static_cast<long>(header.first + 4),
            b.begin() + static_cast<long>(header.first + 9),
            b.begin() + static_cast<long>(first.first + 4));
  reseal(b, first);
  expect_refused(b,
                 "record 2: header target at offset 0x0 was already saved in record 1; each "
                 "target may be saved only once");
}

TEST_F(HostileStateFile, CapabilityOffsetsOutsideConfigurationSpace) {
  const auto r = rec(0, 1);  // the root port's PCI Express capability at 0x54 (record 1: header)
  auto with_offset = [&](std::uint16_t offset) {
    std::vector<std::uint8_t> b = good();
    put_le(b, r.first + 7, offset, 2);
    reseal(b, r);
    return b;
  };
  expect_refused(with_offset(0x1000), "the offset is outside configuration space (0x0-0xfff)");
  expect_refused(with_offset(0xfffc), "the offset is outside configuration space");
  expect_refused(with_offset(0x3c), "standard capabilities live at offsets 0x40-0xff");
  expect_refused(with_offset(0x00), "standard capabilities live at offsets 0x40-0xff");
  expect_refused(with_offset(0x55), "capability offsets are multiples of 4");
  // Inside the right range but not where the device has it: refused when planning.
  expect_refused(with_offset(0x44), "is not on the device (it has: ");
  // The header record covers 0x00-0x3f: any other offset is refused.
  const auto h = rec(0, 0);
  std::vector<std::uint8_t> b = good();
  put_le(b, h.first + 7, 0x40, 2);
  reseal(b, h);
  expect_refused(b, "header target at offset 0x40: a header record has offset 0");
}

TEST_F(HostileStateFile, DuplicateDeviceSections) {
  std::vector<std::uint8_t> b = good();
  const Extents e = extents(b);
  // Section 2 (01:00.0) gets section 1's address (00:01.0).
  std::copy(b.begin() + static_cast<long>(e.sections[0] + 4),
            b.begin() + static_cast<long>(e.sections[0] + 11),
            b.begin() + static_cast<long>(e.sections[1] + 4));
  reseal_file(b);
  expect_refused(b,
                 "the address 0000:00:01.0 was already saved in device section 1; a device "
                 "may appear only once in a state file");
}

TEST_F(HostileStateFile, ARefusalForTheLastDeviceLeavesTheFirstUnwritten) {
  // Device 1 plans fine; device 2's first record names a plugin that is not loaded. Every device
  // is planned before any write, so device 1 is not written either.
  std::vector<std::uint8_t> b = good();
  const auto r = rec(1, 0);
  b[r.first + 11] = 'q';  // "header" -> "qeader"
  reseal(b, r);
  const RestoreOutcome o = restore_bytes(b);
  EXPECT_THAT(o.error, AllOf(HasSubstr("0000:01:00.0"), HasSubstr("which is not loaded; nothing "
                                                                  "was written")));
  EXPECT_EQ(o.writes, 0U);
}

TEST_F(HostileStateFile, ForeignFingerprintAndFutureSchema) {
  std::vector<std::uint8_t> b = good();
  const auto r = rec(0, 0);
  const std::size_t name_len = b[r.first + 10];
  const std::size_t claim_len = b[r.first + 11 + name_len];
  const std::size_t schema_at = r.first + 11 + name_len + 1 + claim_len;
  put_le(b, schema_at + 2, 0x0123456789abcdefULL, 8);
  reseal(b, r);
  expect_refused(b, "layout changed without a version bump");
  b = good();
  put_le(b, schema_at, 99, 2);
  reseal(b, r);
  expect_refused(b, "schema 99");
}

}  // namespace
}  // namespace capstate::hostile
