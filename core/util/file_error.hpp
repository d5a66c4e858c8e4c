// The error thrown when a file cannot be read or written.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace capstate::core {

/// A file could not be read or written; what() names the path, the problem and what to do.
class FileError : public std::runtime_error {
 public:
  /// `message` is the full text; `path` is the file it is about; `error` the errno value (0 if
  /// none).
  FileError(std::filesystem::path path, const std::string& message, int error = 0)
      : std::runtime_error(message), path_(std::move(path)), errno_(error) {}

  /// The file the error is about.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The errno value behind the error, or 0 when the problem is not a system call failure.
  int error_number() const noexcept { return errno_; }

 private:
  std::filesystem::path path_;
  int errno_ = 0;
};

}  // namespace capstate::core
