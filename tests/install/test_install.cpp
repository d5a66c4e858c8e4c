// The installed SDK works for a vendor: install into a temporary prefix, build the example plugin
// from the installed sources with the CMake package and with pkg-config, and load it with the
// installed capstate. Also checks what each install component contains.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/file_text.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
namespace testsupport = capstate::testsupport;

namespace {

using testsupport::read_text;

std::string quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

using CommandResult = testsupport::RunResult;

// Runs `command` through the shell; its stderr is appended to `log`.
CommandResult run_command(const std::string& command, const fs::path& log) {
  return testsupport::run_shell(command + " 2>>" + quote(log));
}

// One installation shared by every test of the suite.
class InstallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    top_dir_.emplace();
    top_ = top_dir_->path();
    prefix_ = top_ / "prefix";
    log_ = top_ / "log.txt";
    const CommandResult r =
        run_command(std::string(CAPSTATE_CMAKE_COMMAND) + " --install " +
                        quote(CAPSTATE_BINARY_DIR) + " --prefix " + quote(prefix_),
                    log_);
    install_status_ = r.exit_code;
    install_output_ = r.out;
    // The example claims standard:0x01 just as the installed in-tree plugin "pm" does; loaded
    // together one of them would be refused (and `capstate plugins` would exit 1), so the
    // example is tried with the installed one disabled.
    policy_ = top_ / "example-policy.toml";
    testsupport::write_text(policy_, "disabled_plugins = [\"pm\"]\n");
  }

  static void TearDownTestSuite() { top_dir_.reset(); }

  void SetUp() override { ASSERT_EQ(install_status_, 0) << install_output_ << read_text(log_); }

  // Where the installed example sources are.
  static fs::path example_dir() {
    return prefix_ / CAPSTATE_INSTALL_DATADIR / "capstate" / "examples" / "pm-example";
  }

  // The plugins verb of the installed CLI on `dir` (with policy_), parsed; the entry of
  // `file_name` in it.
  static nlohmann::json listed_entry(const fs::path& dir, const std::string& file_name) {
    fs::permissions(dir, fs::perms(0755));  // trusted whatever the umask
    const CommandResult r = run_command(quote(prefix_ / CAPSTATE_INSTALL_BINDIR / "capstate") +
                                            " plugins --plugin-dir " + quote(dir) + " --config " +
                                            quote(policy_) + " --json",
                                        log_);
    EXPECT_EQ(r.exit_code, 0) << r.out << read_text(log_);
    const auto list = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(list.is_array()) << "capstate plugins --json printed: " << r.out;
    if (list.is_array()) {
      for (const auto& e : list) {
        if (fs::path(e.value("file", "")) == dir / file_name) {
          return e;
        }
      }
    }
    ADD_FAILURE() << file_name << " not listed: " << r.out;
    return {};
  }

  static void expect_example_loaded(const nlohmann::json& e) {
    EXPECT_EQ(e.value("name", ""), "pm-example");
    EXPECT_EQ(e.value("status", ""), "loaded") << e.value("reason", "");
    EXPECT_EQ(e.value("reason", "?"), "");
    EXPECT_EQ(e.value("restore_phase", 0), 50);
    EXPECT_EQ(e.value("current_schema", 0), 1);
    ASSERT_TRUE(e.contains("capabilities"));
    EXPECT_EQ(
        e["capabilities"],
        nlohmann::json::parse(R"([{"kind": "standard", "id": 1, "match": "", "specificity": 0}])"));
  }

  static inline std::optional<testsupport::TempDir> top_dir_;
  static inline fs::path top_;
  static inline fs::path prefix_;
  static inline fs::path log_;
  static inline fs::path policy_;
  static inline int install_status_ = -1;
  static inline std::string install_output_;
};

TEST_F(InstallTest, InstallsHeadersPackagePkgConfigAndExample) {
  const fs::path inc = prefix_ / CAPSTATE_INSTALL_INCLUDEDIR / "capstate" / "sdk";
  for (const char* h : {"sdk.hpp", "plugin.hpp", "export.hpp", "abi.hpp", "sdk_fingerprint.hpp"}) {
    EXPECT_TRUE(fs::is_regular_file(inc / h)) << inc / h;
  }
  const fs::path pkg = prefix_ / CAPSTATE_INSTALL_LIBDIR / "cmake" / "capstate";
  for (const char* f :
       {"capstateConfig.cmake", "capstateConfigVersion.cmake", "capstateTargets.cmake"}) {
    EXPECT_TRUE(fs::is_regular_file(pkg / f)) << pkg / f;
  }
  EXPECT_TRUE(
      fs::is_regular_file(prefix_ / CAPSTATE_INSTALL_LIBDIR / "pkgconfig" / "capstate-sdk.pc"));
  for (const char* f : {"CMakeLists.txt", "pm_example.cpp", "README.md"}) {
    EXPECT_TRUE(fs::is_regular_file(example_dir() / f)) << example_dir() / f;
  }
  EXPECT_TRUE(fs::is_regular_file(prefix_ / CAPSTATE_INSTALL_BINDIR / "capstate"));
  EXPECT_TRUE(fs::is_directory(prefix_ / CAPSTATE_INSTALL_LIBDIR / "capstate" / "plugins"));
}

TEST_F(InstallTest, CMakePackageBuildsTheExamplePlugin) {
  const fs::path build = top_ / "cmake-build";
  const CommandResult configure = run_command(
      std::string(CAPSTATE_CMAKE_COMMAND) + " -S " + quote(example_dir()) + " -B " + quote(build) +
          " -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=" + CAPSTATE_CXX_COMPILER +
          " -DCMAKE_PREFIX_PATH=" + quote(prefix_),
      log_);
  ASSERT_EQ(configure.exit_code, 0) << configure.out << read_text(log_);
  const CommandResult build_run =
      run_command(std::string(CAPSTATE_CMAKE_COMMAND) + " --build " + quote(build), log_);
  ASSERT_EQ(build_run.exit_code, 0) << build_run.out << read_text(log_);
  ASSERT_TRUE(fs::is_regular_file(build / "pm-example.so"));
  fs::permissions(build / "pm-example.so", fs::perms(0755));
  expect_example_loaded(listed_entry(build, "pm-example.so"));
}

TEST_F(InstallTest, PkgConfigBuildsTheExamplePlugin) {
  const fs::path out = top_ / "pkgconfig-build";
  fs::create_directories(out);
  const std::string env =
      "PKG_CONFIG_PATH=" + quote(prefix_ / CAPSTATE_INSTALL_LIBDIR / "pkgconfig") + " ";
  const CommandResult cflags = run_command(env + "pkg-config --cflags capstate-sdk", log_);
  ASSERT_EQ(cflags.exit_code, 0) << read_text(log_);
  EXPECT_NE(cflags.out.find("-std=c++20"), std::string::npos) << cflags.out;
  EXPECT_NE(cflags.out.find("-DBOOST_DLL_USE_STD_FS"), std::string::npos) << cflags.out;
  const CommandResult plugindir =
      run_command(env + "pkg-config --variable=plugindir capstate-sdk", log_);
  ASSERT_EQ(plugindir.exit_code, 0);
  EXPECT_EQ(fs::canonical(plugindir.out.substr(0, plugindir.out.find('\n'))),
            fs::canonical(prefix_ / CAPSTATE_INSTALL_LIBDIR / "capstate" / "plugins"));

  const CommandResult compile =
      run_command(std::string(CAPSTATE_CXX_COMPILER) + " $(" + env +
                      "pkg-config --cflags capstate-sdk) -shared -fPIC "
                      "-fvisibility=hidden -O1 -o " +
                      quote(out / "pm-example.so") + " " + quote(example_dir() / "pm_example.cpp"),
                  log_);
  ASSERT_EQ(compile.exit_code, 0) << compile.out << read_text(log_);
  fs::permissions(out / "pm-example.so", fs::perms(0755));
  expect_example_loaded(listed_entry(out, "pm-example.so"));
}

// The vendor's own CI: the cxl-dvsec example builds out of tree with its GOLDEN file and ABI
// baseline, its ctest passes, and a layout change without a schema bump fails its golden test.
TEST_F(InstallTest, VendorExampleRunsItsGoldenAndAbiChecksAndCatchesAnEncodingChange) {
  const fs::path source =
      prefix_ / CAPSTATE_INSTALL_DATADIR / "capstate" / "examples" / "cxl-dvsec-plugin";
  ASSERT_TRUE(fs::is_regular_file(source / "golden" / "xilinx-c084-v1.cst"));
  ASSERT_TRUE(fs::is_regular_file(source / "abi" / "cxl-dvsec" / "schema-1.txt"));
  const auto build_and_test = [&](const fs::path& build, const std::string& extra) {
    const std::string cmake = CAPSTATE_CMAKE_COMMAND;
    const CommandResult configure = run_command(
        cmake + " -S " + quote(source) + " -B " + quote(build) +
            " -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=" + CAPSTATE_CXX_COMPILER +
            " -DCMAKE_PREFIX_PATH=" + quote(prefix_) + extra,
        log_);
    EXPECT_EQ(configure.exit_code, 0) << configure.out << read_text(log_);
    const CommandResult built = run_command(cmake + " --build " + quote(build), log_);
    EXPECT_EQ(built.exit_code, 0) << built.out << read_text(log_);
    fs::permissions(build, fs::perms(0755));
    fs::permissions(build / "cxl-dvsec.so", fs::perms(0755));
    const fs::path ctest = fs::path(CAPSTATE_CMAKE_COMMAND).parent_path() / "ctest";
    return run_command(ctest.string() + " --test-dir " + quote(build) + " --output-on-failure",
                       log_);
  };
  const CommandResult good = build_and_test(top_ / "cxl-build", "");
  EXPECT_EQ(good.exit_code, 0) << good.out << read_text(log_);
  EXPECT_NE(good.out.find("100% tests passed, 0 tests failed out of 2"), std::string::npos)
      << good.out;
  const CommandResult broken =
      build_and_test(top_ / "cxl-broken", " -DCAPSTATE_EXAMPLE_BREAK_ENCODING=ON");
  EXPECT_NE(broken.exit_code, 0) << broken.out;
  EXPECT_NE(broken.out.find("capstate_golden_cxl-dvsec (Failed)"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("layout changed without a version bump"), std::string::npos)
      << broken.out;
  EXPECT_NE(broken.out.find("capstate_abi_cxl-dvsec (Failed)"), std::string::npos) << broken.out;
}

TEST_F(InstallTest, ComponentsSplitRuntimeFromDev) {
  const fs::path dev = top_ / "dev-only";
  const fs::path runtime = top_ / "runtime-only";
  for (const auto& [component, dest] : {std::pair{"dev", dev}, std::pair{"runtime", runtime}}) {
    const CommandResult r = run_command(std::string(CAPSTATE_CMAKE_COMMAND) + " --install " +
                                            quote(CAPSTATE_BINARY_DIR) + " --component " +
                                            component + " --prefix " + quote(dest),
                                        log_);
    ASSERT_EQ(r.exit_code, 0) << r.out << read_text(log_);
  }
  EXPECT_TRUE(fs::exists(dev / CAPSTATE_INSTALL_INCLUDEDIR / "capstate" / "sdk" / "sdk.hpp"));
  EXPECT_TRUE(fs::exists(dev / CAPSTATE_INSTALL_LIBDIR / "pkgconfig" / "capstate-sdk.pc"));
  EXPECT_FALSE(fs::exists(dev / CAPSTATE_INSTALL_BINDIR / "capstate"));
  EXPECT_TRUE(fs::exists(runtime / CAPSTATE_INSTALL_BINDIR / "capstate"));
  EXPECT_TRUE(fs::is_directory(runtime / CAPSTATE_INSTALL_LIBDIR / "capstate" / "plugins"));
  EXPECT_FALSE(fs::exists(runtime / CAPSTATE_INSTALL_INCLUDEDIR / "capstate"));
  EXPECT_FALSE(fs::exists(runtime / CAPSTATE_INSTALL_LIBDIR / "cmake"));
}

}  // namespace
