#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

namespace capstate::cli {

bool progress_wanted(std::size_t total, bool quiet) {
  return !quiet && total >= kProgressMinDevices && ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::string action, std::size_t total, const GlobalOptions& globals)
    : action_(std::move(action)), total_(total), enabled_(progress_wanted(total, globals.quiet)) {}

Progress::~Progress() {
  finish();
}

void Progress::step(const core::PciAddress& device) {
  if (!enabled_) {
    return;
  }
  ++done_;
  const std::string line = fmt::format("{} {}/{} {}", action_, done_, total_, device.str());
  // Pad over what a longer previous line left behind.
  const std::size_t pad = shown_width_ > line.size() ? shown_width_ - line.size() : 0;
  std::fprintf(stderr, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
  std::fflush(stderr);
  shown_width_ = line.size() + pad;
}

void Progress::finish() {
  if (!enabled_) {
    return;
  }
  enabled_ = false;
  if (shown_width_ > 0) {
    std::fprintf(stderr, "\r%*s\r", static_cast<int>(shown_width_), "");
    std::fflush(stderr);
    shown_width_ = 0;
  }
}

}  // namespace capstate::cli
