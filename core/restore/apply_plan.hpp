// Carrying out a restore plan: the writes in order, then read-back verification.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "restore/restore_plan.hpp"

namespace capstate::core {

/// What applying a plan did.
struct ApplyResult {
  std::size_t written = 0;              ///< writes done
  std::size_t verified = 0;             ///< registers read back and compared
  std::vector<std::string> mismatches;  ///< one line per register that read back differently
};

/// Thrown when a write fails part-way; the text lists the writes done and those not done.
class RestoreWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes every planned write marked `write`, in order, then (when `verify`) reads each written
/// register back once and compares it under the verify masks of all its writes. Writes marked
/// `upstream` go to `upstream` (the plan's upstream port); a plan with such writes and no port
/// throws RestoreWriteError before writing anything.
ApplyResult apply_plan(Device& device, const DevicePlan& plan, bool verify,
                       Device* upstream = nullptr);

/// "plugin register at 0x088 (16-bit)" for messages.
std::string write_text(const PlannedWrite& w);

}  // namespace capstate::core
