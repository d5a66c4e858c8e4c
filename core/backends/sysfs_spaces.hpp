// ConfigSpace and BarSpace over a sysfs device directory (config and resourceN files).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "backends/counted_config_space.hpp"
#include "capstate/sdk/bar_space.hpp"

namespace capstate::core {

/// Configuration space through `<dev>/config`: read-only until the first write reopens it
/// read-write; every access is one pread/pwrite of exactly 1, 2 or 4 bytes.
class SysfsConfigSpace final : public CountedConfigSpace {
 public:
  /// Opens `config` read-only; throws AccessError naming `name` and the file when it cannot.
  SysfsConfigSpace(std::string name, std::filesystem::path config);
  ~SysfsConfigSpace() override;
  SysfsConfigSpace(const SysfsConfigSpace&) = delete;
  SysfsConfigSpace& operator=(const SysfsConfigSpace&) = delete;

  /// 4096 when the config file has at least 4096 bytes, else 256.
  std::uint16_t size() const override { return size_; }
  /// The device's canonical address.
  std::string device_name() const override { return name_; }

 protected:
  std::uint32_t do_read(std::uint16_t offset, Width width) override;
  void do_write(std::uint16_t offset, Width width, std::uint32_t value) override;

 private:
  [[noreturn]] void fail(std::uint16_t offset, Width width, const char* what,
                         const std::string& problem) const;
  std::string name_;
  std::filesystem::path path_;
  int fd_ = -1;
  bool writable_ = false;
  std::uint16_t size_ = 0;
};

/// BAR memory through `<dev>/resourceN`, mapped on first access (read-write once written)
/// and unmapped on destruction; 32-bit volatile accesses only.
class SysfsBarSpace final : public BarSpace {
 public:
  /// Looks at `<device_dir>/resource0..5`; nothing is opened or mapped yet.
  SysfsBarSpace(std::string name, std::filesystem::path device_dir);
  ~SysfsBarSpace() override;
  SysfsBarSpace(const SysfsBarSpace&) = delete;
  SysfsBarSpace& operator=(const SysfsBarSpace&) = delete;

  /// Whether resourceN exists and is not empty.
  bool has_bar(std::uint8_t bar) const override;
  /// Size of resourceN in bytes (0 when absent).
  std::uint64_t bar_size(std::uint8_t bar) const override;
  /// One volatile 32-bit read; maps the BAR read-only on first use.
  std::uint32_t read32(std::uint8_t bar, std::uint64_t offset) override;
  /// One volatile 32-bit write; maps the BAR read-write on first use.
  void write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) override;

 private:
  struct Mapping {
    void* address = nullptr;
    std::size_t length = 0;
    bool writable = false;
  };
  volatile std::uint32_t* word(std::uint8_t bar, std::uint64_t offset, bool write);
  std::filesystem::path resource_path(std::uint8_t bar) const;
  std::string name_;
  std::filesystem::path dir_;
  std::array<std::uint64_t, 6> sizes_{};
  std::array<Mapping, 6> maps_{};
};

}  // namespace capstate::core
