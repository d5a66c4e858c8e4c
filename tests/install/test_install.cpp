// The installed SDK works for a vendor: install into a temporary prefix, build the example plugin
// from the installed sources with the CMake package and with pkg-config, and load it with the
// installed capstate. Also checks what each install component contains.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct CommandResult {
  int status = -1;     // exit status of the command
  std::string output;  // its stdout (stderr goes to the log file)
};

// Runs `command` through the shell; stderr is appended to `log`.
CommandResult run_command(const std::string& command, const fs::path& log) {
  CommandResult r;
  const std::string full = command + " 2>>'" + log.string() + "'";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) {
    return r;
  }
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.output.append(buf.data(), n);
  }
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

// One installation shared by every test of the suite.
class InstallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "capstate-install-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    top_ = pattern;
    fs::permissions(top_, fs::perms(0755));
    prefix_ = top_ / "prefix";
    log_ = top_ / "log.txt";
    const CommandResult r =
        run_command(std::string(CAPSTATE_CMAKE_COMMAND) + " --install " +
                        quote(CAPSTATE_BINARY_DIR) + " --prefix " + quote(prefix_),
                    log_);
    install_status_ = r.status;
    install_output_ = r.output;
  }

  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(top_, ec);
  }

  void SetUp() override { ASSERT_EQ(install_status_, 0) << install_output_ << read_text(log_); }

  // Where the installed example sources are.
  static fs::path example_dir() {
    return prefix_ / CAPSTATE_INSTALL_DATADIR / "capstate" / "examples" / "pm-plugin";
  }

  // The plugins verb of the installed CLI on `dir`, parsed; the entry of `file_name` in it.
  static nlohmann::json listed_entry(const fs::path& dir, const std::string& file_name) {
    fs::permissions(dir, fs::perms(0755));  // trusted whatever the umask
    const CommandResult r = run_command(quote(prefix_ / CAPSTATE_INSTALL_BINDIR / "capstate") +
                                            " plugins --plugin-dir " + quote(dir) + " --json",
                                        log_);
    EXPECT_EQ(r.status, 0) << r.output << read_text(log_);
    const auto list = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_TRUE(list.is_array()) << "capstate plugins --json printed: " << r.output;
    if (list.is_array()) {
      for (const auto& e : list) {
        if (fs::path(e.value("file", "")) == dir / file_name) {
          return e;
        }
      }
    }
    ADD_FAILURE() << file_name << " not listed: " << r.output;
    return {};
  }

  static void expect_pm_loaded(const nlohmann::json& e) {
    EXPECT_EQ(e.value("name", ""), "pm");
    EXPECT_EQ(e.value("status", ""), "loaded") << e.value("reason", "");
    EXPECT_EQ(e.value("reason", "?"), "");
    EXPECT_EQ(e.value("restore_phase", 0), 50);
    EXPECT_EQ(e.value("current_schema", 0), 1);
    ASSERT_TRUE(e.contains("capabilities"));
    EXPECT_EQ(e["capabilities"], nlohmann::json::parse(R"([{"kind": "standard", "id": 1}])"));
  }

  static inline fs::path top_;
  static inline fs::path prefix_;
  static inline fs::path log_;
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
  for (const char* f : {"CMakeLists.txt", "pm_plugin.cpp", "README.md"}) {
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
  ASSERT_EQ(configure.status, 0) << configure.output << read_text(log_);
  const CommandResult build_run =
      run_command(std::string(CAPSTATE_CMAKE_COMMAND) + " --build " + quote(build), log_);
  ASSERT_EQ(build_run.status, 0) << build_run.output << read_text(log_);
  ASSERT_TRUE(fs::is_regular_file(build / "pm.so"));
  fs::permissions(build / "pm.so", fs::perms(0755));
  expect_pm_loaded(listed_entry(build, "pm.so"));
}

TEST_F(InstallTest, PkgConfigBuildsTheExamplePlugin) {
  const fs::path out = top_ / "pkgconfig-build";
  fs::create_directories(out);
  const std::string env =
      "PKG_CONFIG_PATH=" + quote(prefix_ / CAPSTATE_INSTALL_LIBDIR / "pkgconfig") + " ";
  const CommandResult cflags = run_command(env + "pkg-config --cflags capstate-sdk", log_);
  ASSERT_EQ(cflags.status, 0) << read_text(log_);
  EXPECT_NE(cflags.output.find("-std=c++20"), std::string::npos) << cflags.output;
  EXPECT_NE(cflags.output.find("-DBOOST_DLL_USE_STD_FS"), std::string::npos) << cflags.output;
  const CommandResult plugindir =
      run_command(env + "pkg-config --variable=plugindir capstate-sdk", log_);
  ASSERT_EQ(plugindir.status, 0);
  EXPECT_EQ(fs::canonical(plugindir.output.substr(0, plugindir.output.find('\n'))),
            fs::canonical(prefix_ / CAPSTATE_INSTALL_LIBDIR / "capstate" / "plugins"));

  const CommandResult compile =
      run_command(std::string(CAPSTATE_CXX_COMPILER) + " $(" + env +
                      "pkg-config --cflags capstate-sdk) -shared -fPIC "
                      "-fvisibility=hidden -O1 -o " +
                      quote(out / "pm.so") + " " + quote(example_dir() / "pm_plugin.cpp"),
                  log_);
  ASSERT_EQ(compile.status, 0) << compile.output << read_text(log_);
  fs::permissions(out / "pm.so", fs::perms(0755));
  expect_pm_loaded(listed_entry(out, "pm.so"));
}

TEST_F(InstallTest, ComponentsSplitRuntimeFromDev) {
  const fs::path dev = top_ / "dev-only";
  const fs::path runtime = top_ / "runtime-only";
  for (const auto& [component, dest] : {std::pair{"dev", dev}, std::pair{"runtime", runtime}}) {
    const CommandResult r = run_command(std::string(CAPSTATE_CMAKE_COMMAND) + " --install " +
                                            quote(CAPSTATE_BINARY_DIR) + " --component " +
                                            component + " --prefix " + quote(dest),
                                        log_);
    ASSERT_EQ(r.status, 0) << r.output << read_text(log_);
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
