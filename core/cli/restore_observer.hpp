// What `restore`, `diff` and `live-update restore` show while the library's run_restore() works:
// the progress line, the log lines of skipped and left-out records, and the undo file line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cli/cli_common.hpp"
#include "cli/progress.hpp"
#include "restore/restore_session.hpp"

namespace capstate::cli {

/// How a verb logs the devices and capabilities a failing plugin left out, once every device is
/// planned.
enum class LeftOutLog {
  error,  ///< restore: an error each
  warn,   ///< live-update restore: a warning each
  none,   ///< diff: not at all
};

/// Turns run_restore()'s events into stderr output.
class CliRestoreObserver final : public core::RestoreObserver {
 public:
  /// Logs left-out lines as `left_out` says; -q (`globals.quiet`) hides progress and the undo
  /// file line.
  CliRestoreObserver(const GlobalOptions& globals, LeftOutLog left_out)
      : globals_(globals), left_out_(left_out) {}

  /// A warning per refused plugin, as load_registry() logs them.
  void registry_loaded(const core::Registry& registry) override;
  /// Shows a progress line ("planning", "comparing", "restoring") on a terminal.
  void stage_started(core::RestoreStage stage, std::size_t devices) override;
  void device_started(const core::PciAddress& address) override;
  /// A warning per record left out by policy newer_record = "skip".
  void record_skipped(const std::string& line) override;
  /// Clears the progress line.
  void stage_finished() override;
  /// Logs the plan's left-out lines (see LeftOutLog).
  void planned(const core::DevicePlan& plan) override;
  /// "undo file: PATH (revert with: capstate restore -i PATH)" on stderr, unless -q.
  void undo_file_saved(const std::filesystem::path& path) override;

 private:
  const GlobalOptions& globals_;
  LeftOutLog left_out_;
  std::optional<Progress> progress_;
};

}  // namespace capstate::cli
