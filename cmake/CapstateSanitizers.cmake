# Sanitizer and fuzzing builds (see docs/robustness.md and scripts/test-sanitizers).
#
#   CAPSTATE_SANITIZE=ON    AddressSanitizer + UndefinedBehaviorSanitizer on every target (core,
#                           CLI, plugins, tests), compile and link; any report aborts the process.
#   CAPSTATE_BUILD_FUZZ=ON  clang only: coverage instrumentation (-fsanitize=fuzzer-no-link) on all
#                           code and the libFuzzer targets in fuzz/ (linked with -fsanitize=fuzzer).
#
# The flags are directory-wide (add_compile_options/add_link_options) so that every target defined
# after this file is included gets them, plugins and tests included.
option(CAPSTATE_SANITIZE "Build everything with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CAPSTATE_BUILD_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

if(CAPSTATE_SANITIZE)
  set(capstate_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                              -fno-sanitize-recover=all)
  add_compile_options(${capstate_sanitize_flags})
  add_link_options(${capstate_sanitize_flags})
endif()

if(CAPSTATE_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CAPSTATE_BUILD_FUZZ needs clang (libFuzzer); configure with "
                        "CXX=clang++-14, found ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}")
  endif()
  # Coverage feedback for the fuzzers in every library, without libFuzzer's main().
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
