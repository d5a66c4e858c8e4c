#include "cli/json_error.hpp"

#include <spdlog/spdlog.h>

#include <capstate/sdk/access.hpp>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "abi/abi_baseline.hpp"
#include "backends/dump_format.hpp"
#include "backends/sysfs_spaces.hpp"
#include "discovery/capability_names.hpp"
#include "dispatch/device_save.hpp"
#include "engine/field_codec.hpp"
#include "engine/plugin_call.hpp"
#include "migration/migrate.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "restore/apply_plan.hpp"
#include "restore/restore_plan.hpp"
#include "statefile/state_file_error.hpp"
#include "statetext/state_text_error.hpp"
#include "util/file_error.hpp"
#include "util/file_lock.hpp"
#include "util/pci_address.hpp"

namespace capstate::cli {
namespace {

template <class T>
const T* as(const std::exception& e) {
  return dynamic_cast<const T*>(&e);
}

nlohmann::json state_file_fields(const core::StateFileError& e) {
  const core::StateFileLocation& where = e.where();
  nlohmann::json fields = nlohmann::json::object();
  fields["file"] = where.file;
  if (where.byte_offset) {
    fields["offset"] = *where.byte_offset;
  }
  if (where.section_address) {
    fields["device"] = where.section_address->str();
  }
  if (where.section_index) {
    fields["section"] = *where.section_index + 1;
  }
  if (where.record_index) {
    fields["record"] = *where.record_index + 1;
  }
  fields["problem"] = e.problem();
  return fields;
}

nlohmann::json text_fields(const core::TextLocation& where) {
  nlohmann::json fields = {{"file", where.file}};
  if (where.line != 0) {
    fields["line"] = where.line;
    fields["column"] = where.column;
  }
  if (!where.device.empty()) {
    fields["device"] = where.device;
  }
  if (where.record != 0) {
    fields["record"] = where.record;
  }
  if (!where.plugin.empty()) {
    fields["plugin"] = where.plugin;
  }
  return fields;
}

// The structured fields an exception type carries (an empty object when it has none).
nlohmann::json fields_of(const std::exception& e) {
  nlohmann::json fields = nlohmann::json::object();
  if (const auto* s = as<core::StateFileError>(e)) {
    fields = state_file_fields(*s);
  } else if (const auto* t = as<core::StateTextError>(e)) {
    fields = text_fields(t->where());
  } else if (const auto* d = as<core::DumpFormatError>(e)) {
    fields["file"] = d->file();
    if (d->line() != 0) {
      fields["line"] = d->line();
    }
  } else if (const auto* f = as<core::FileError>(e)) {
    fields["file"] = f->path().string();
    if (f->error_number() != 0) {
      fields["errno"] = f->error_number();
    }
  } else if (const auto* b = as<core::BarMapError>(e)) {
    fields["device"] = b->device();
    fields["bar"] = b->bar();
    fields["file"] = b->path().string();
    fields["errno"] = b->error_number();
  } else if (const auto* a = as<core::AddressTextError>(e)) {
    fields["value"] = a->text();
  } else if (const auto* w = as<core::BadWriteRequest>(e)) {
    fields["write"] = w->write_name();
    fields["offset"] = w->offset();
  } else if (const auto* fs = as<std::filesystem::filesystem_error>(e)) {
    fields["file"] = fs->path1().string();
    fields["errno"] = fs->code().value();
  } else if (const auto* p = as<core::PluginFailure>(e)) {
    fields["plugin"] = p->plugin();
  } else if (const auto* l = as<core::LockBusy>(e); l != nullptr && l->holder() != 0) {
    fields["pid"] = l->holder();
  }
  return fields;
}

// The kind of a core or SDK exception type by its class; `internal` for unknown types.
ErrorKind kind_of(const std::exception& e) {
  if (as<core::PolicyError>(e) || as<core::RegistryError>(e)) {
    return ErrorKind::policy;
  }
  if (as<core::StateFileError>(e) || as<core::PayloadError>(e)) {
    return ErrorKind::state_file;
  }
  if (as<core::RestoreRefused>(e) || as<core::MigrationError>(e) || as<core::LockBusy>(e)) {
    return ErrorKind::refused;
  }
  if (as<core::PluginFailure>(e) || as<core::EngineError>(e) || as<core::BadWriteRequest>(e)) {
    return ErrorKind::plugin;
  }
  if (as<AccessError>(e) || as<core::RestoreWriteError>(e)) {
    return ErrorKind::access;
  }
  if (as<core::FileError>(e) || as<core::CapabilityNamesError>(e) ||
      as<core::AbiBaselineError>(e) || as<core::DumpFormatError>(e) ||
      as<core::StateTextError>(e)) {
    return ErrorKind::file;
  }
  if (as<std::filesystem::filesystem_error>(e)) {
    return ErrorKind::file;  // a file system call without a typed error of its own
  }
  if (as<core::AddressTextError>(e)) {
    return ErrorKind::usage;  // a malformed -s/-d/address value; exits 1 as in text mode
  }
  return ErrorKind::internal;
}

}  // namespace

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
      return "usage";
    case ErrorKind::policy:
      return "policy";
    case ErrorKind::state_file:
      return "state_file";
    case ErrorKind::refused:
      return "refused";
    case ErrorKind::plugin:
      return "plugin";
    case ErrorKind::access:
      return "access";
    case ErrorKind::file:
      return "file";
    case ErrorKind::verify:
      return "verify";
    case ErrorKind::internal:
      break;
  }
  return "internal";
}

CliError::CliError(ErrorKind kind, const std::string& message, nlohmann::json fields, int exit_code)
    : std::runtime_error(message), kind_(kind), fields_(std::move(fields)), exit_code_(exit_code) {}

ErrorReport describe_error(const std::exception& e) {
  ErrorReport report;
  report.message = e.what();
  if (const auto* cli = as<CliError>(e)) {
    report.kind = cli->kind();
    report.exit_code = cli->exit_code();
    report.fields = cli->fields();
    return report;
  }
  if (as<CLI::ParseError>(e)) {  // e.g. a --to value found malformed while the verb runs
    report.kind = ErrorKind::usage;
    report.exit_code = kExitUsage;
    return report;
  }
  report.kind = kind_of(e);
  report.fields = fields_of(e);
  return report;
}

nlohmann::json error_json(const ErrorReport& report) {
  nlohmann::json error = {{"message", report.message},
                          {"kind", to_string(report.kind)},
                          {"exit_code", report.exit_code}};
  if (report.fields.is_object()) {
    for (const auto& [key, value] : report.fields.items()) {
      error[key] = value;
    }
  }
  return {{"error", error}};
}

int report_error(const ErrorReport& report, bool json) {
  spdlog::error("{}", report.message);
  if (json) {
    print_out(error_json(report).dump(2));
    std::fflush(stdout);
  }
  return report.exit_code;
}

bool json_requested(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      return false;
    }
    if (arg == "--json") {
      return true;
    }
  }
  return false;
}

}  // namespace capstate::cli
