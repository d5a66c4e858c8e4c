#include "restore/undo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/save_state.hpp"
#include "statefile/codec.hpp"
#include "util/atomic_file.hpp"
#include "util/file_lock.hpp"
#include "util/private_dir.hpp"

namespace capstate::core {
namespace {

/// The last sentence of apply_plan's RestoreWriteError text, replaced by what really applies.
constexpr std::string_view kApplyUndoSentence =
    "\nRestore the undo file to go back to the state before this restore";

bool same_instance(const Capability& a, const Capability& b) {
  return a.kind == b.kind && a.id == b.id && a.offset == b.offset;
}

/// The capability instances of a device that its plan writes or compares, and those the plans
/// of the functions below it write on it, in plan order, each once.
std::vector<Capability> planned_capabilities(const DevicePlan& plan) {
  std::vector<Capability> caps;
  const auto add = [&caps](const PlannedWrite& w) {
    const bool known = std::any_of(caps.begin(), caps.end(), [&](const Capability& c) {
      return same_instance(c, w.capability);
    });
    if (!known) {
      caps.push_back(w.capability);
    }
  };
  for (const PlannedWrite& w : plan.writes) {
    if (!w.upstream) {
      add(w);
    }
  }
  for (const ForeignWrite& f : plan.from_below) {
    add(f.write);
  }
  return caps;
}

/// How to go on when the undo file cannot be had.
std::string undo_way_out(const std::filesystem::path& dir) {
  return fmt::format(
      "nothing was written to any device. Fix the directory '{}', choose another with --undo-dir "
      "DIR (or undo_dir in the policy), or restore without an undo file with --no-undo (or "
      "undo = false in the policy)",
      dir.string());
}

/// Creates `dir` when it is missing, and any missing directory above it, each with mode 0700;
/// existing directories keep their mode.
void make_undo_dir(const std::filesystem::path& dir) {
  if (const std::error_code ec = create_private_directories(dir)) {
    throw UndoRefused(fmt::format("cannot create the undo directory '{}': {}; {}", dir.string(),
                                  ec.message(), undo_way_out(dir)));
  }
}

}  // namespace

std::filesystem::path undo_file_path(const std::filesystem::path& dir, std::time_t when,
                                     pid_t pid) {
  std::tm utc{};
  ::gmtime_r(&when, &utc);
  char stamp[32] = {};
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return dir / fmt::format("{}-{}.state", stamp, static_cast<long>(pid));
}

bool restores_write(const std::vector<DeviceRestore>& restores) {
  return std::any_of(restores.begin(), restores.end(), [](const DeviceRestore& r) {
    return std::any_of(r.plan.writes.begin(), r.plan.writes.end(),
                       [](const PlannedWrite& w) { return w.write; });
  });
}

StateFile undo_state(std::vector<DeviceRestore>& restores, const Registry& registry) {
  StateFile state{make_envelope(), {}};
  for (DeviceRestore& r : restores) {
    const std::vector<Capability> wanted = planned_capabilities(r.plan);
    if (wanted.empty()) {
      continue;
    }
    try {
      // Only plugins of the planned capability types run; other instances of those types (a
      // second one elsewhere on the device) are saved and then left out.
      SaveOptions options;
      for (const Capability& found : discover(*r.device.config).capabilities) {
        const bool planned = std::any_of(wanted.begin(), wanted.end(), [&](const Capability& c) {
          return c.type() == found.type();
        });
        if (!planned) {
          options.skip.push_back(found.type());
        }
      }
      SaveReport report;
      DeviceSection section = save_device(r.device, registry, options, report);
      std::erase_if(section.records, [&](const Record& record) {
        return std::none_of(wanted.begin(), wanted.end(), [&](const Capability& c) {
          return same_instance(c, record.capability);
        });
      });
      state.devices.push_back(std::move(section));
    } catch (const std::exception& e) {
      throw UndoRefused(fmt::format(
          "{}: cannot save the undo state before restoring: {}; nothing was written to any "
          "device. Restore without an undo file with --no-undo (or undo = false in the policy) "
          "only if you can go back another way",
          r.plan.address.str(), e.what()));
    }
  }
  return state;
}

void write_undo_file(const std::filesystem::path& path, const StateFile& state) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  make_undo_dir(dir);
  try {
    const FileLock lock = lock_file_for_writing(path);
    const std::vector<std::uint8_t> bytes = encode_state(state, path.string());
    write_file_atomically(path, bytes);
  } catch (const UndoRefused&) {
    throw;
  } catch (const std::exception& e) {
    throw UndoRefused(
        fmt::format("cannot write the undo file: {}; {}", e.what(), undo_way_out(dir)));
  }
}

std::string undo_file_line(const std::filesystem::path& path) {
  return fmt::format("undo file: {} (revert with: capstate restore -i {})", path.string(),
                     path.string());
}

std::string write_failure_text(const std::string& apply_error,
                               const std::vector<DeviceRestore>& restores, std::size_t failed,
                               const std::filesystem::path& undo_file,
                               const std::string& no_undo_reason) {
  std::string text = apply_error;
  if (text.size() >= kApplyUndoSentence.size() &&
      text.compare(text.size() - kApplyUndoSentence.size(), std::string::npos,
                   kApplyUndoSentence) == 0) {
    text.resize(text.size() - kApplyUndoSentence.size());
  }
  for (std::size_t i = 0; i < failed && i < restores.size(); ++i) {
    text += fmt::format("\n  restored before: {} ({} writes)", restores[i].plan.address.str(),
                        restores[i].result.written);
  }
  for (std::size_t i = failed + 1; i < restores.size(); ++i) {
    text += fmt::format("\n  not started:     {}", restores[i].plan.address.str());
  }
  if (!undo_file.empty()) {
    text += fmt::format(
        "\nTo go back to the state before this restore, restore the undo file {}: capstate "
        "restore -i {}",
        undo_file.string(), undo_file.string());
  } else {
    text += "\nNo undo file was saved: " + no_undo_reason;
  }
  return text;
}

}  // namespace capstate::core
