// BAR memory the kernel refuses to map while a device is saved: noticed per record, reported
// once per cause for a whole run.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "capstate/sdk/bar_space.hpp"
#include "dispatch/device_save.hpp"

namespace capstate::core {

/// Passes every access on to another BarSpace and remembers each BAR whose mapping the kernel
/// refused (a BarMapError), before the error goes on to the caller.
class BarMapWatch final : public BarSpace {
 public:
  /// One refused mapping.
  struct Refusal {
    std::uint8_t bar = 0;  ///< the BAR
    int error = 0;         ///< errno of the refused open or mmap
  };

  /// Watches `inner`, which must outlive this object.
  explicit BarMapWatch(BarSpace& inner) : inner_(inner) {}

  /// The inner space's answer.
  bool has_bar(std::uint8_t bar) const override { return inner_.has_bar(bar); }
  /// The inner space's answer.
  std::uint64_t bar_size(std::uint8_t bar) const override { return inner_.bar_size(bar); }
  /// The inner space's read; a BarMapError is remembered, then thrown on.
  std::uint32_t read32(std::uint8_t bar, std::uint64_t offset) override;
  /// The inner space's write; a BarMapError is remembered, then thrown on.
  void write32(std::uint8_t bar, std::uint64_t offset, std::uint32_t value) override;

  /// Every refused mapping so far, in order.
  const std::vector<Refusal>& refusals() const { return refusals_; }

 private:
  BarSpace& inner_;
  std::vector<Refusal> refusals_;
};

/// Whether the run-wide summary covers refusals with this errno: EINVAL (a driver-claimed BAR
/// under CONFIG_IO_STRICT_DEVMEM) and EPERM (kernel lockdown). Other errors keep the warning of
/// each array, whose text has the advice for that device.
bool summarised_bar_error(int error);

/// The warning for every entry of `same_cause` (all with one errno): what the kernel refused, the
/// devices, what was saved, and what to do (for EINVAL: boot with iomem=relaxed or unbind the
/// driver; for EPERM: lift kernel lockdown).
std::string unmapped_bar_warning(std::span<const UnmappedBar> same_cause);

/// Adds `found` to report.unmapped_bars and keeps report.warnings at one line per cause that
/// names every device so far: the line written for earlier devices is replaced in place (or
/// appended when it is no longer there).
void note_unmapped_bars(SaveReport& report, std::span<const UnmappedBar> found);

}  // namespace capstate::core
