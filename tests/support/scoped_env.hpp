// An environment variable set for one scope, then put back as it was.
#pragma once

#include <optional>
#include <string>

namespace capstate::testsupport {

/// Sets `name` to `value` for the object's lifetime and restores the earlier value (or absence).
class ScopedEnv {
 public:
  /// Sets the variable.
  ScopedEnv(const char* name, const std::string& value);
  /// Puts back what was there.
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace capstate::testsupport
