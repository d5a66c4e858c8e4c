// BarMapWatch and the run-wide warning for BAR memory the kernel refused to map.
#include "dispatch/unmapped_bars.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "backends/sysfs_spaces.hpp"

namespace capstate::core {
namespace {

std::vector<UnmappedBar> with_error(std::span<const UnmappedBar> all, int error) {
  std::vector<UnmappedBar> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const UnmappedBar& u) { return u.error == error; });
  return out;
}

}  // namespace

std::uint32_t BarMapWatch::read32(std::uint8_t bar, std::uint64_t offset) {
  try {
    return inner_.read32(bar, offset);
  } catch (const BarMapError& e) {
    refusals_.push_back({e.bar(), e.error_number()});
    throw;
  }
}

void BarMapWatch::write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) {
  try {
    inner_.write32(bar, offset, value);
  } catch (const BarMapError& e) {
    refusals_.push_back({e.bar(), e.error_number()});
    throw;
  }
}

bool summarised_bar_error(int error) {
  return error == EINVAL || error == EPERM;
}

std::string unmapped_bar_warning(std::span<const UnmappedBar> same_cause) {
  if (same_cause.empty()) {
    return {};
  }
  std::string devices;
  for (const UnmappedBar& u : same_cause) {
    devices += fmt::format("{}{} BAR {} (plugin '{}')", devices.empty() ? "" : ", ", u.device.str(),
                           u.bar, u.plugin);
  }
  std::vector<PciAddress> distinct;
  for (const UnmappedBar& u : same_cause) {
    if (std::find(distinct.begin(), distinct.end(), u.device) == distinct.end()) {
      distinct.push_back(u.device);
    }
  }
  const bool lockdown = same_cause.front().error == EPERM;
  return fmt::format(
      "BAR memory of {} {} not saved: {}. {}. Everything else was saved; these records mark the "
      "arrays in that memory as not saved, and a restore does not write them. To save them too, "
      "{}",
      distinct.size(), distinct.size() == 1 ? "device" : "devices", devices,
      lockdown ? "Kernel lockdown forbids mapping PCI BARs from user space (EPERM; see "
                 "/sys/kernel/security/lockdown)"
               : "The kernel refuses to map a memory BAR that a driver has claimed (EINVAL; "
                 "kernels built with CONFIG_IO_STRICT_DEVMEM, such as Debian's)",
      lockdown ? "lift kernel lockdown (for example by turning Secure Boot off) and save again; "
                 "iomem=relaxed and unbinding the driver do not help under lockdown"
               : "boot with iomem=relaxed, or unbind the driver before saving (echo ADDRESS > "
                 "/sys/bus/pci/devices/ADDRESS/driver/unbind), and save again");
}

void note_unmapped_bars(SaveReport& report, std::span<const UnmappedBar> found) {
  for (const int error : {EINVAL, EPERM}) {
    const std::vector<UnmappedBar> added = with_error(found, error);
    if (added.empty()) {
      continue;
    }
    std::vector<UnmappedBar> same = with_error(report.unmapped_bars, error);
    const std::string before = unmapped_bar_warning(same);
    same.insert(same.end(), added.begin(), added.end());
    report.unmapped_bars.insert(report.unmapped_bars.end(), added.begin(), added.end());
    const std::string now = unmapped_bar_warning(same);
    const auto line = before.empty()
                          ? report.warnings.end()
                          : std::find(report.warnings.begin(), report.warnings.end(), before);
    if (line != report.warnings.end()) {
      *line = now;
    } else {
      report.warnings.push_back(now);
    }
  }
}

}  // namespace capstate::core
