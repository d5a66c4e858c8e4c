# capstate_add_plugin(NAME SOURCES...): a plugin library built against the SDK only,
# placed in build/lib/capstate/plugins and installed to <libdir>/capstate/plugins.
function(capstate_add_plugin name)
  add_library(capstate-plugin-${name} MODULE ${ARGN})
  target_link_libraries(capstate-plugin-${name} PRIVATE capstate::sdk)
  set_target_properties(capstate-plugin-${name} PROPERTIES
    OUTPUT_NAME ${name}
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${CAPSTATE_PLUGIN_BUILD_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  install(TARGETS capstate-plugin-${name} LIBRARY DESTINATION ${CAPSTATE_PLUGIN_INSTALL_DIR}
          COMPONENT runtime)
endfunction()

# capstate_add_project_plugin(NAME SOURCES src... TESTS test_src... GOLDEN file.cst...): an in-tree
# plugin folder. Its code becomes an OBJECT library capstate_<name>_impl (tests link it and call
# the class directly); the module is that code plus export.cpp, the only file holding
# CAPSTATE_PLUGIN(). GOLDEN adds ctest golden_<name>: each committed state file decodes with the
# build's plugins and encodes back to the same bytes (sdk/cmake/CapstateGoldenCheck.cmake, the
# check the installed SDK gives vendors as capstate_add_plugin(... GOLDEN ...)).
function(capstate_add_project_plugin name)
  cmake_parse_arguments(arg "" "" "SOURCES;TESTS;GOLDEN" ${ARGN})
  add_library(capstate_${name}_impl OBJECT ${arg_SOURCES})
  target_link_libraries(capstate_${name}_impl PUBLIC capstate::sdk)
  target_include_directories(capstate_${name}_impl PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  set_target_properties(capstate_${name}_impl PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  capstate_add_plugin(${name} export.cpp)
  target_link_libraries(capstate-plugin-${name} PRIVATE capstate_${name}_impl)
  if(CAPSTATE_BUILD_TESTS AND arg_TESTS)
    capstate_add_test(test_plugin_${name} ${arg_TESTS})
    target_link_libraries(test_plugin_${name} PRIVATE capstate_${name}_impl capstate_plugin_test_support)
    target_include_directories(test_plugin_${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/engine)
  endif()
  if(CAPSTATE_BUILD_TESTS AND arg_GOLDEN)
    add_test(NAME golden_${name}
             COMMAND ${CMAKE_COMMAND} -DCAPSTATE=$<TARGET_FILE:capstate>
                     -DPLUGIN_DIR=${CAPSTATE_PLUGIN_BUILD_DIR} "-DGOLDEN=${arg_GOLDEN}"
                     -DWORK=${CMAKE_CURRENT_BINARY_DIR}/golden-check
                     -P ${PROJECT_SOURCE_DIR}/sdk/cmake/CapstateGoldenCheck.cmake)
  endif()
endfunction()
