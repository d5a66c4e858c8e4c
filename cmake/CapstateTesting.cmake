# capstate_add_test(NAME SOURCES...): a GoogleTest binary linked with the core library,
# placed in build/tests and registered with ctest test by test.
find_package(GTest REQUIRED)
include(GoogleTest)

function(capstate_add_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE capstate::core GTest::gmock GTest::gtest_main
                        nlohmann_json::nlohmann_json)
  target_compile_definitions(${name} PRIVATE
    CAPSTATE_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    CAPSTATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAPSTATE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_BINARY_DIR} DISCOVERY_TIMEOUT 60)
endfunction()
