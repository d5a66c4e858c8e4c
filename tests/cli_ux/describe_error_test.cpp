// describe_error() on each typed error, including the ones the binary only shows wrapped (a BAR
// the kernel refuses to map, a malformed write request of a plugin): kind, exit code and fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "backends/dump_format.hpp"
#include "backends/sysfs_spaces.hpp"
#include "cli/json_error.hpp"
#include "restore/restore_plan.hpp"
#include "statetext/state_text_error.hpp"
#include "util/file_error.hpp"
#include "util/pci_address.hpp"

namespace capstate::cli {
namespace {

TEST(DescribeError, BarMapErrorIsAnAccessErrorWithDeviceBarFileAndErrno) {
  const core::BarMapError e("0000:03:00.0", 2, "/sys/bus/pci/devices/0000:03:00.0/resource2",
                            EINVAL, "text");
  const ErrorReport r = describe_error(e);
  EXPECT_EQ(r.kind, ErrorKind::access);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.message, "text");
  EXPECT_EQ(r.fields, (nlohmann::json{{"device", "0000:03:00.0"},
                                      {"bar", 2},
                                      {"file", "/sys/bus/pci/devices/0000:03:00.0/resource2"},
                                      {"errno", EINVAL}}));
}

TEST(DescribeError, BadWriteRequestIsAPluginErrorWithWriteAndOffset) {
  const core::BadWriteRequest e("table", 0x12, "write 'table' ...");
  const ErrorReport r = describe_error(e);
  EXPECT_EQ(r.kind, ErrorKind::plugin);
  EXPECT_EQ(r.fields, (nlohmann::json{{"write", "table"}, {"offset", 0x12}}));
}

TEST(DescribeError, DumpFormatErrorIsAFileErrorWithLine) {
  const ErrorReport r = describe_error(core::DumpFormatError("d.txt", 7, "d.txt:7: x"));
  EXPECT_EQ(r.kind, ErrorKind::file);
  EXPECT_EQ(r.fields, (nlohmann::json{{"file", "d.txt"}, {"line", 7}}));
}

TEST(DescribeError, StateTextErrorIsAFileErrorWithItsLocation) {
  const core::TextLocation at{"s.toml", 19, 1, "0000:02:00.0", 1, "pcie"};
  const ErrorReport r = describe_error(core::StateTextError(at, "s.toml:19:1: x"));
  EXPECT_EQ(r.kind, ErrorKind::file);
  EXPECT_EQ(r.fields, (nlohmann::json{{"file", "s.toml"},
                                      {"line", 19},
                                      {"column", 1},
                                      {"device", "0000:02:00.0"},
                                      {"record", 1},
                                      {"plugin", "pcie"}}));
}

TEST(DescribeError, StateTextErrorWithoutALineHasOnlyTheFile) {
  core::TextLocation at;
  at.file = "s.toml";
  const ErrorReport r = describe_error(core::StateTextError(at, "s.toml: x"));
  EXPECT_EQ(r.fields, (nlohmann::json{{"file", "s.toml"}}));
}

TEST(DescribeError, AddressTextErrorIsUsageWithTheValue) {
  const ErrorReport r = describe_error(core::AddressTextError("zz:1", "invalid slot"));
  EXPECT_EQ(r.kind, ErrorKind::usage);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.fields, (nlohmann::json{{"value", "zz:1"}}));
}

TEST(DescribeError, FileErrorKeepsPathAndErrno) {
  const ErrorReport r = describe_error(core::FileError("/sys", "cannot list /sys", ENOENT));
  EXPECT_EQ(r.kind, ErrorKind::file);
  EXPECT_EQ(r.fields, (nlohmann::json{{"file", "/sys"}, {"errno", ENOENT}}));
}

TEST(DescribeError, FilesystemErrorIsAFileErrorWithPathAndErrno) {
  const std::filesystem::filesystem_error e("cannot create directories", "/var/lib/x",
                                            std::make_error_code(std::errc::permission_denied));
  const ErrorReport r = describe_error(e);
  EXPECT_EQ(r.kind, ErrorKind::file);
  EXPECT_EQ(r.fields, (nlohmann::json{{"file", "/var/lib/x"}, {"errno", EACCES}}));
}

TEST(DescribeError, UntypedErrorsAreInternal) {
  EXPECT_EQ(describe_error(std::runtime_error("x")).kind, ErrorKind::internal);
  // No longer "usage": a stray invalid_argument (std::stoul, ...) is a bug, not the user's input.
  EXPECT_EQ(describe_error(std::invalid_argument("x")).kind, ErrorKind::internal);
  EXPECT_EQ(describe_error(std::runtime_error("x")).fields, nlohmann::json::object());
}

TEST(DescribeError, CliErrorFieldsAreKept) {
  const CliError e(ErrorKind::plugin, "abi check: 1 problem", {{"problems", {"p"}}});
  const nlohmann::json json = error_json(describe_error(e));
  EXPECT_EQ(json, (nlohmann::json{{"error",
                                   {{"message", "abi check: 1 problem"},
                                    {"kind", "plugin"},
                                    {"exit_code", 1},
                                    {"problems", {"p"}}}}}));
}

}  // namespace
}  // namespace capstate::cli
