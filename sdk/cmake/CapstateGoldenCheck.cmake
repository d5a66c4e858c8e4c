# Run with cmake -P: every golden state file must decode with the plugin being built and encode
# back to the very same bytes, so a changed encoding without a schema bump fails the plugin's CI.
#   -DCAPSTATE=<capstate executable> -DPLUGIN_DIR=<directory holding the built plugin>
#   -DGOLDEN=<file.cst;...> -DWORK=<scratch directory>
foreach(var CAPSTATE PLUGIN_DIR GOLDEN WORK)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "CapstateGoldenCheck.cmake: -D${var}=... is required")
  endif()
endforeach()
file(MAKE_DIRECTORY "${WORK}")
foreach(golden IN LISTS GOLDEN)
  get_filename_component(stem "${golden}" NAME_WE)
  execute_process(
    COMMAND "${CAPSTATE}" --plugin-dir "${PLUGIN_DIR}" inspect "${golden}"
    OUTPUT_FILE "${WORK}/${stem}.toml" ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "golden ${golden}: capstate inspect exited ${rc}: ${err}\n"
      "The plugin no longer decodes a file it wrote: a layout or encoding changed without a "
      "schema bump. Restore the layout and add a new schema version with a migration step.")
  endif()
  execute_process(
    COMMAND "${CAPSTATE}" --plugin-dir "${PLUGIN_DIR}" assemble "${WORK}/${stem}.toml"
            -o "${WORK}/${stem}.cst"
    OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "golden ${golden}: capstate assemble exited ${rc}: ${err}")
  endif()
  file(SHA256 "${golden}" want)
  file(SHA256 "${WORK}/${stem}.cst" got)
  if(NOT want STREQUAL got)
    message(FATAL_ERROR "golden ${golden}: decoding and encoding it again gives other bytes "
      "(${WORK}/${stem}.cst): the plugin encodes differently now; bump the schema instead.")
  endif()
  message(STATUS "golden ${golden}: decoded and encoded again, byte for byte")
endforeach()
