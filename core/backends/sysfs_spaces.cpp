// pread/pwrite of sysfs config files and mmap of sysfs resourceN files.
#include "backends/sysfs_spaces.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace capstate::core {
namespace {

std::string at_text(std::uint16_t offset, Width width, const char* what) {
  char buf[64];
  std::snprintf(buf, sizeof buf, ": %u-bit %s at 0x%04x: ", width_bits(width), what,
                static_cast<unsigned>(offset));
  return buf;
}

const char* errno_name(int error) {
  switch (error) {
    case EINVAL:
      return "EINVAL";
    case EPERM:
      return "EPERM";
    case EACCES:
      return "EACCES";
    case EIO:
      return "EIO";
    case ENODEV:
      return "ENODEV";
    case ENOENT:
      return "ENOENT";
    case ENOMEM:
      return "ENOMEM";
    default:
      return "errno";
  }
}

// Why the kernel refused and what the user can do about it.
std::string bar_map_advice(const std::string& device, const std::filesystem::path& path,
                           std::string_view call, int error) {
  const bool mapping = call == "mmap";
  if (mapping && error == EINVAL) {
    return "the kernel refuses to map a memory BAR that a driver has claimed (kernels built with "
           "CONFIG_IO_STRICT_DEVMEM, such as Debian's). Boot with iomem=relaxed, or unbind the "
           "driver first (write " +
           device + " to " + (path.parent_path() / "driver" / "unbind").string() + "), then retry";
  }
  if (error == EPERM) {
    return "kernel lockdown forbids mapping PCI BARs from user space (see "
           "/sys/kernel/security/lockdown; Secure Boot turns it on). Disable kernel lockdown, "
           "for example by turning Secure Boot off, then retry";
  }
  if (error == EACCES) {
    return "BAR access needs root; run capstate as root";
  }
  if (mapping && error == EIO) {
    return "it is an I/O-port BAR, which this kernel cannot map; capstate reaches memory BARs "
           "only";
  }
  if (mapping && error == ENODEV) {
    return "the file cannot be mapped: it is not a PCI resource file (check --sysfs-root) or "
           "the BAR is an I/O-port BAR";
  }
  if (!mapping && error == ENOENT) {
    return "the device or BAR went away (removed or rescanned); run 'capstate list' and retry";
  }
  return "BAR access needs root and a memory (not I/O) BAR";
}

}  // namespace

std::string bar_map_failure_text(const std::string& device, std::uint8_t bar,
                                 const std::filesystem::path& path, bool write,
                                 std::string_view call, int error) {
  std::string name = errno_name(error);
  if (name == "errno") {
    name += " " + std::to_string(error);
  }
  return device + ": cannot map BAR " + std::to_string(bar) + " (" + path.string() + ") for " +
         (write ? "writing" : "reading") + ": " + std::string(call) + " failed with " + name +
         " (" + std::strerror(error) + "); " + bar_map_advice(device, path, call, error);
}

SysfsConfigSpace::SysfsConfigSpace(std::string name, std::filesystem::path config)
    : name_(std::move(name)), path_(std::move(config)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw AccessError(name_ + ": cannot open " + path_.string() + ": " + std::strerror(errno) +
                      "; check that the device exists (capstate list)");
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    throw AccessError(name_ + ": cannot stat " + path_.string() + ": " + std::strerror(err));
  }
  size_ = st.st_size >= kExtendedSize ? kExtendedSize : kConventionalSize;
}

SysfsConfigSpace::~SysfsConfigSpace() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void SysfsConfigSpace::fail(std::uint16_t offset, Width width, const char* what,
                            const std::string& problem) const {
  throw AccessError(name_ + at_text(offset, width, what) + problem);
}

std::uint32_t SysfsConfigSpace::do_read(std::uint16_t offset, Width width) {
  std::uint8_t buf[4] = {};
  const std::size_t n = width_bytes(width);
  ssize_t got = 0;
  do {
    got = ::pread(fd_, buf, n, offset);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    fail(offset, width, "read", "reading " + path_.string() + " failed: " + std::strerror(errno));
  }
  if (static_cast<std::size_t>(got) != n) {
    fail(offset, width, "read",
         path_.string() + " returned " + std::to_string(got) + " of " + std::to_string(n) +
             " bytes; the kernel shows unprivileged users only the first 64 bytes of "
             "configuration space, so run capstate as root");
  }
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    value |= static_cast<std::uint32_t>(buf[i]) << (8 * i);
  }
  return value;
}

void SysfsConfigSpace::do_write(std::uint16_t offset, Width width, std::uint32_t value) {
  if (!writable_) {
    const int rw = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (rw < 0) {
      fail(offset, width, "write",
           "cannot open " + path_.string() + " for writing: " + std::strerror(errno) +
               "; writing configuration space needs root");
    }
    ::close(fd_);
    fd_ = rw;
    writable_ = true;
  }
  std::uint8_t buf[4];
  const std::size_t n = width_bytes(width);
  for (std::size_t i = 0; i < n; ++i) {
    buf[i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  ssize_t put = 0;
  do {
    put = ::pwrite(fd_, buf, n, offset);
  } while (put < 0 && errno == EINTR);
  if (put < 0) {
    fail(offset, width, "write", "writing " + path_.string() + " failed: " + std::strerror(errno));
  }
  if (static_cast<std::size_t>(put) != n) {
    fail(offset, width, "write",
         path_.string() + " took " + std::to_string(put) + " of " + std::to_string(n) +
             " bytes; writing configuration space needs root");
  }
}

SysfsBarSpace::SysfsBarSpace(std::string name, std::filesystem::path device_dir)
    : name_(std::move(name)), dir_(std::move(device_dir)) {
  for (std::uint8_t bar = 0; bar < 6; ++bar) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(resource_path(bar), ec);
    sizes_[bar] = ec ? 0 : size;
  }
}

SysfsBarSpace::~SysfsBarSpace() {
  for (const Mapping& m : maps_) {
    if (m.address != nullptr) {
      ::munmap(m.address, m.length);
    }
  }
}

std::filesystem::path SysfsBarSpace::resource_path(std::uint8_t bar) const {
  return dir_ / ("resource" + std::to_string(bar));
}

bool SysfsBarSpace::has_bar(std::uint8_t bar) const {
  return bar < 6 && sizes_[bar] > 0;
}

std::uint64_t SysfsBarSpace::bar_size(std::uint8_t bar) const {
  return has_bar(bar) ? sizes_[bar] : 0;
}

volatile std::uint32_t* SysfsBarSpace::word(std::uint8_t bar, std::uint64_t offset, bool write) {
  const char* what = write ? "write" : "read";
  char buf[200];
  if (!has_bar(bar)) {
    std::snprintf(buf, sizeof buf, ": BAR %u %s at 0x%llx: BAR %u has no memory to access (",
                  static_cast<unsigned>(bar), what, static_cast<unsigned long long>(offset),
                  static_cast<unsigned>(bar));
    throw AccessError(name_ + buf + resource_path(bar).string() + " is missing or empty)");
  }
  if (offset % 4 != 0) {
    std::snprintf(buf, sizeof buf, ": BAR %u %s at 0x%llx is misaligned (must be a multiple of 4)",
                  static_cast<unsigned>(bar), what, static_cast<unsigned long long>(offset));
    throw AccessError(name_ + buf);
  }
  if (offset + 4 > sizes_[bar]) {
    std::snprintf(buf, sizeof buf,
                  ": BAR %u %s at 0x%llx is beyond the end of the BAR (size 0x%llx)",
                  static_cast<unsigned>(bar), what, static_cast<unsigned long long>(offset),
                  static_cast<unsigned long long>(sizes_[bar]));
    throw AccessError(name_ + buf);
  }
  Mapping& m = maps_[bar];
  if (m.address == nullptr || (write && !m.writable)) {
    if (m.address != nullptr) {
      ::munmap(m.address, m.length);
      m = Mapping{};
    }
    const auto path = resource_path(bar);
    const int fd = ::open(path.c_str(), (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      throw BarMapError(name_, bar, path, err,
                        bar_map_failure_text(name_, bar, path, write, "open", err));
    }
    const int prot = write ? (PROT_READ | PROT_WRITE) : PROT_READ;
    void* address = ::mmap(nullptr, sizes_[bar], prot, MAP_SHARED, fd, 0);
    const int err = errno;
    ::close(fd);
    if (address == MAP_FAILED) {
      throw BarMapError(name_, bar, path, err,
                        bar_map_failure_text(name_, bar, path, write, "mmap", err));
    }
    m = Mapping{address, static_cast<std::size_t>(sizes_[bar]), write};
  }
  return reinterpret_cast<volatile std::uint32_t*>(static_cast<char*>(m.address) + offset);
}

std::uint32_t SysfsBarSpace::read32(std::uint8_t bar, std::uint64_t offset) {
  return *word(bar, offset, false);
}

void SysfsBarSpace::write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) {
  *word(bar, offset, true) = value;
}

}  // namespace capstate::core
