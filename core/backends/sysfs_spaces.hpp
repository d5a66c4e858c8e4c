// ConfigSpace and BarSpace over a sysfs device directory (config and resourceN files).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

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

/// Thrown when BAR memory cannot be opened or mapped through a resourceN file; what() says why
/// and what to do (bar_map_failure_text).
class BarMapError : public AccessError {
 public:
  /// `device` is the device's address, `path` the resourceN file, `error` the errno value.
  BarMapError(std::string device, std::uint8_t bar, std::filesystem::path path, int error,
              const std::string& message)
      : AccessError(message),
        device_(std::move(device)),
        path_(std::move(path)),
        error_(error),
        bar_(bar) {}

  /// The device whose BAR could not be mapped.
  const std::string& device() const noexcept { return device_; }
  /// The BAR index (0-5).
  std::uint8_t bar() const noexcept { return bar_; }
  /// The resourceN file.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The errno value of the failed open or mmap.
  int error_number() const noexcept { return error_; }

 private:
  std::string device_;
  std::filesystem::path path_;
  int error_ = 0;
  std::uint8_t bar_ = 0;
};

/// The message of a failed `call` ("open" or "mmap") of `path` (BAR `bar` of `device`) for
/// reading or writing, from its errno `error`: what the kernel refused and what to do. EINVAL
/// from mmap is a driver-claimed BAR under CONFIG_IO_STRICT_DEVMEM, EPERM kernel lockdown.
std::string bar_map_failure_text(const std::string& device, std::uint8_t bar,
                                 const std::filesystem::path& path, bool write,
                                 std::string_view call, int error);

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
