// Restore plans as people and programs read them (restore --dry-run, diff).
#pragma once

#include <string>
#include <vector>

#include "restore/restore_plan.hpp"

namespace capstate::core {

/// A readable diff of `plan`: one line per write (with `all`, unchanged registers too).
std::string plan_to_text(const DevicePlan& plan, bool all);

/// JSON array with one object per plan: address, notes and every planned write.
std::string plans_to_json(const std::vector<const DevicePlan*>& plans);

}  // namespace capstate::core
