// How a failure reaches the user: its kind, exit code and structured fields, as one error line on
// stderr and, with --json, one {"error": {...}} object on stdout.
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "cli/cli_common.hpp"

namespace capstate::cli {

/// What kind of failure an error is; the "kind" of a JSON error.
enum class ErrorKind {
  usage,       ///< bad command line
  policy,      ///< a policy file or setting is wrong
  state_file,  ///< a state file is malformed or cannot be encoded
  refused,     ///< capstate refused to act (identity, schema, lock, no matching device)
  plugin,      ///< a plugin failed or declares something broken
  access,      ///< a register access or device write failed
  file,        ///< a file could not be read, parsed or written
  verify,      ///< read-back or baseline verification found differences
  internal,    ///< anything else (a bug: please report it)
};

/// The JSON name of `kind`, e.g. "state_file".
const char* to_string(ErrorKind kind);

/// A failure the command line itself detects, with its kind, exit code and structured fields.
class CliError : public std::runtime_error {
 public:
  /// `message` is the full text (what, where, why, what to do); `fields` are added to the JSON.
  CliError(ErrorKind kind, const std::string& message,
           nlohmann::json fields = nlohmann::json::object(), int exit_code = kExitFailure);

  /// The kind of failure.
  ErrorKind kind() const noexcept { return kind_; }
  /// The process exit code this failure ends with.
  int exit_code() const noexcept { return exit_code_; }
  /// Structured fields ("device", "file", "offset", ...) for the JSON error.
  const nlohmann::json& fields() const noexcept { return fields_; }

 private:
  ErrorKind kind_;
  nlohmann::json fields_;
  int exit_code_;
};

/// A failure ready to print.
struct ErrorReport {
  std::string message;                               ///< the one-line text
  ErrorKind kind = ErrorKind::internal;              ///< its kind
  int exit_code = kExitFailure;                      ///< the process exit code
  nlohmann::json fields = nlohmann::json::object();  ///< structured fields, when the type has them
};

/// Classifies `e` by its type (never by its text) and collects the fields the type carries.
ErrorReport describe_error(const std::exception& e);

/// {"error": {"message": ..., "kind": ..., "exit_code": ..., <fields>...}}.
nlohmann::json error_json(const ErrorReport& report);

/// Prints `report` as one error line on stderr and, when `json`, as a JSON error on stdout;
/// returns its exit code.
int report_error(const ErrorReport& report, bool json);

/// True when the command line has --json before any "--" (so that errors found while parsing the
/// command line are JSON too).
bool json_requested(int argc, const char* const* argv);

}  // namespace capstate::cli
