// A one-line progress display on stderr for verbs that loop over many devices.
#pragma once

#include <cstddef>
#include <string>

#include "cli/cli_common.hpp"
#include "util/pci_address.hpp"

namespace capstate::cli {

/// Below this many devices a verb is quick enough to need no progress line.
inline constexpr std::size_t kProgressMinDevices = 8;

/// "\rsaving 12/64 0000:03:00.0" on stderr, rewritten in place for every device and cleared at the
/// end; shown only when stderr is a terminal, the work spans kProgressMinDevices or more devices,
/// and -q is not given. Otherwise every call does nothing.
class Progress {
 public:
  /// A display for `total` devices, each line starting with `action` (e.g. "saving").
  Progress(std::string action, std::size_t total, const GlobalOptions& globals);
  /// Clears the line if it is still shown (also when the verb fails part-way).
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Shows that work on `device` (the next of the total) starts.
  void step(const core::PciAddress& device);
  /// Clears the line; later calls to step() do nothing.
  void finish();
  /// Whether the line is shown at all.
  bool enabled() const { return enabled_; }

 private:
  std::string action_;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  std::size_t shown_width_ = 0;  // characters of the line currently on the terminal
  bool enabled_ = false;
};

/// Whether a progress line for `total` devices is shown: stderr is a terminal, `total` reaches
/// kProgressMinDevices and `quiet` is false.
bool progress_wanted(std::size_t total, bool quiet);

}  // namespace capstate::cli
