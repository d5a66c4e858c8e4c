# Install rules for the files that only a system installation has (included at the end of the
# top-level CMakeLists.txt). The Debian packages are built by debian/ (dpkg-buildpackage), which
# splits this installation into
#   capstate         CLI, libcapstate.so.N, plugins, data, default policy, man page, bash
#                    completion, systemd units (not enabled), /etc/capstate/conf.d, /var/lib/capstate
#   libcapstate-dev  SDK headers, CMake package, pkg-config file, example plugins
# (the install components "runtime" and "dev" are the same split, for other packagers).
# tests/packaging/packaging_test.sh builds and checks those packages.
#
# There is no CPack configuration: one way to build packages, the one that is tested (CPack built
# /usr/local packages without man page, completion and units from a default-configured tree).

# Files outside the prefix (/etc, /var) and the systemd/completion/man files are installed only by
# a system build (prefix /usr): `cmake --install --prefix <dir>` of a development tree must never
# write into this machine's /etc.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_capstate_system_default ON)
else()
  set(_capstate_system_default OFF)
endif()
option(CAPSTATE_INSTALL_SYSTEM_FILES
       "Install /etc/capstate, /var/lib/capstate, systemd units, man page and bash completion"
       ${_capstate_system_default})

# systemd's unit directory is <prefix>/lib/systemd/system, not the multiarch libdir; debian/rules
# sets /lib/systemd/system (Debian 12's unit directory).
set(CAPSTATE_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
    "Where the systemd units are installed (relative to the prefix, or absolute)")

set(_pkg_src ${PROJECT_SOURCE_DIR}/packaging)

# The man page is gzipped at build time (Debian policy: gzip -9n, no timestamp in the header).
find_program(CAPSTATE_GZIP gzip)
set(_man_gz ${PROJECT_BINARY_DIR}/packaging/capstate.1.gz)
if(CAPSTATE_GZIP)
  add_custom_command(OUTPUT ${_man_gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
    COMMAND ${CAPSTATE_GZIP} -9nc ${_pkg_src}/man/capstate.1 > ${_man_gz}
    DEPENDS ${_pkg_src}/man/capstate.1
    COMMENT "Compressing the capstate(1) man page")
  add_custom_target(capstate-man ALL DEPENDS ${_man_gz})
endif()

if(CAPSTATE_INSTALL_SYSTEM_FILES)
  if(NOT CAPSTATE_GZIP)
    message(FATAL_ERROR "CAPSTATE_INSTALL_SYSTEM_FILES needs gzip for the man page; install gzip")
  endif()
  install(FILES ${_man_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
  install(FILES ${_pkg_src}/bash-completion/capstate
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT runtime)
  install(FILES ${_pkg_src}/systemd/capstate-save.service
                ${_pkg_src}/systemd/capstate-restore-early.service
                ${_pkg_src}/systemd/capstate-restore-late.service
          DESTINATION ${CAPSTATE_SYSTEMD_UNIT_DIR} COMPONENT runtime)
  install(DIRECTORY DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/capstate/conf.d
          COMPONENT runtime)
  install(DIRECTORY DESTINATION ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/capstate
          COMPONENT runtime)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/live-update.md ${PROJECT_SOURCE_DIR}/docs/policy.md
                ${PROJECT_SOURCE_DIR}/docs/packaging.md
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/capstate COMPONENT runtime)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/plugin-authoring.md
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/libcapstate-dev COMPONENT dev)
endif()
