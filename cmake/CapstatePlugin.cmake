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
