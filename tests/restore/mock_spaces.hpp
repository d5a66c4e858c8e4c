// GoogleMock configuration and BAR spaces over byte vectors, and a config space that fails a write.
#pragma once

#include <gmock/gmock.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "backends/counted_config_space.hpp"
#include "capstate/sdk/bar_space.hpp"

namespace capstate::restoretest {

/// A CountedConfigSpace whose backend accesses are mocked; by default they read and write `bytes`.
class MockConfigSpace : public core::CountedConfigSpace {
 public:
  /// A space holding `initial` (256 or 4096 bytes), named `name`.
  MockConfigSpace(std::vector<std::uint8_t> initial, std::string name)
      : bytes(std::move(initial)), name_(std::move(name)) {
    ON_CALL(*this, do_read).WillByDefault([this](std::uint16_t offset, Width width) {
      std::uint32_t v = 0;
      for (unsigned i = 0; i < width_bytes(width); ++i) {
        v |= static_cast<std::uint32_t>(bytes.at(offset + i)) << (8 * i);
      }
      return v;
    });
    ON_CALL(*this, do_write)
        .WillByDefault([this](std::uint16_t offset, Width width, std::uint32_t value) {
          for (unsigned i = 0; i < width_bytes(width); ++i) {
            bytes.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
          }
        });
  }

  std::uint16_t size() const override { return static_cast<std::uint16_t>(bytes.size()); }
  std::string device_name() const override { return name_; }

  MOCK_METHOD(std::uint32_t, do_read, (std::uint16_t offset, Width width), (override));
  MOCK_METHOD(void, do_write, (std::uint16_t offset, Width width, std::uint32_t value), (override));

  std::vector<std::uint8_t> bytes;  ///< the register contents (every bit writable)

 private:
  std::string name_;
};

/// A mocked BarSpace; by default BAR 0 is `size` bytes of `dwords` that reads and writes work on.
class MockBarSpace : public BarSpace {
 public:
  /// BAR 0 of `size` bytes, all zero.
  explicit MockBarSpace(std::uint64_t size) : dwords(size / 4, 0) {
    ON_CALL(*this, has_bar).WillByDefault([](std::uint8_t bar) { return bar == 0; });
    ON_CALL(*this, bar_size).WillByDefault([this](std::uint8_t bar) {
      return bar == 0 ? std::uint64_t{dwords.size()} * 4 : std::uint64_t{0};
    });
    ON_CALL(*this, read32).WillByDefault([this](std::uint8_t, std::uint64_t offset) {
      return dwords.at(offset / 4);
    });
    ON_CALL(*this, write32)
        .WillByDefault([this](std::uint8_t, std::uint64_t offset, std::uint32_t value) {
          dwords.at(offset / 4) = value;
        });
  }

  MOCK_METHOD(bool, has_bar, (std::uint8_t bar), (const, override));
  MOCK_METHOD(std::uint64_t, bar_size, (std::uint8_t bar), (const, override));
  MOCK_METHOD(std::uint32_t, read32, (std::uint8_t bar, std::uint64_t offset), (override));
  MOCK_METHOD(void, write32, (std::uint8_t bar, std::uint64_t offset, std::uint32_t value),
              (override));

  std::vector<std::uint32_t> dwords;  ///< BAR 0 contents
};

/// Passes accesses to another ConfigSpace, but throws AccessError on write number `fail_at`
/// (1-based) without doing it.
class FailingConfigSpace final : public core::CountedConfigSpace {
 public:
  /// Wraps `inner` (which must outlive this object).
  FailingConfigSpace(ConfigSpace& inner, unsigned fail_at) : inner_(inner), fail_at_(fail_at) {}

  std::uint16_t size() const override { return inner_.size(); }
  std::string device_name() const override { return inner_.device_name(); }

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override {
    return inner_.read(offset, width);
  }
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override {
    if (++writes_ == fail_at_) {
      throw AccessError(device_name() + ": write at 0x" + hex(offset) +
                        " failed: Input/output error (injected)");
    }
    inner_.write(offset, width, value);
  }

 private:
  static std::string hex(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03x", static_cast<unsigned>(v));
    return buf;
  }
  ConfigSpace& inner_;
  unsigned fail_at_;
  unsigned writes_ = 0;
};

}  // namespace capstate::restoretest
