// CliRestoreObserver: the restore flow's progress and messages on stderr.
#include "cli/restore_observer.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "restore/undo.hpp"

namespace capstate::cli {

void CliRestoreObserver::registry_loaded(const core::Registry& registry) {
  warn_refused_plugins(registry);
}

void CliRestoreObserver::stage_started(core::RestoreStage stage, std::size_t devices) {
  progress_.emplace(std::string(core::to_string(stage)), devices, globals_);
}

void CliRestoreObserver::device_started(const core::PciAddress& address) {
  if (progress_) {
    progress_->step(address);
  }
}

void CliRestoreObserver::record_skipped(const std::string& line) {
  spdlog::warn("{}", line);
}

void CliRestoreObserver::stage_finished() {
  progress_.reset();  // clears the line
}

void CliRestoreObserver::planned(const core::DevicePlan& plan) {
  for (const std::string& line : plan.left_out) {
    if (left_out_ == LeftOutLog::error) {
      spdlog::error("{}", line);
    } else if (left_out_ == LeftOutLog::warn) {
      spdlog::warn("{}", line);
    }
  }
}

void CliRestoreObserver::undo_file_saved(const std::filesystem::path& path) {
  if (!globals_.quiet) {
    std::fprintf(stderr, "%s\n", core::undo_file_line(path).c_str());
    std::fflush(stderr);
  }
}

}  // namespace capstate::cli
