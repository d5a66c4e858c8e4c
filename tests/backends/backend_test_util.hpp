// Helpers for the backend tests: data files and expected errors. TempDir and the file helpers
// come from tests/support.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

namespace capstate::testing {

using testsupport::read_bytes;
using testsupport::read_text;
using testsupport::TempDir;
using testsupport::write_bytes;
using testsupport::write_text;

/// A path in tests/data.
inline std::filesystem::path data_file(const std::string& name) {
  return std::filesystem::path(CAPSTATE_TEST_DATA_DIR) / name;
}

/// The message of the exception of type E that `f` throws; fails the test when none is thrown.
template <typename E, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception, none was thrown";
  return {};
}

}  // namespace capstate::testing
