# Debian packages through CPack (included at the end of the top-level CMakeLists.txt):
#   capstate         component "runtime": CLI, libcapstate.so.N, plugins, data, default policy,
#                    man page, bash completion, systemd units (not enabled), /etc/capstate/conf.d,
#                    /var/lib/capstate
#   libcapstate-dev  component "dev": SDK headers, CMake package, pkg-config file, example plugin
#
# Build the packages from a tree configured for the system prefix:
#   cmake -S . -B build-deb -G Ninja -DCMAKE_INSTALL_PREFIX=/usr -DCAPSTATE_BUILD_TESTS=OFF
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
# tests/packaging/packaging_test.sh does exactly that and checks the result.

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
  # systemd's unit directory is <prefix>/lib/systemd/system, not the multiarch libdir.
  install(FILES ${_pkg_src}/systemd/capstate-save.service
                ${_pkg_src}/systemd/capstate-restore-early.service
                ${_pkg_src}/systemd/capstate-restore-late.service
          DESTINATION lib/systemd/system COMPONENT runtime)
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

# --- CPack ------------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME capstate)
set(CPACK_PACKAGE_VENDOR "capstate maintainers")
set(CPACK_PACKAGE_CONTACT "capstate maintainers <capstate@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package has its own summary (the first line of its description). CPackDeb would put the
# project summary in front of both unless the summary is CPack's default text, so it is that.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_PACKAGE_NAME} built using CMake")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES OFF)
# Whatever the umask of the build: directories 0755 in the package (the plugin trust check refuses
# group/other-writable plugin directories).
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(_deb_version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/capstate")

# capstate: dependencies computed by dpkg-shlibdeps from the ELF files (libc6, libstdc++6, libgcc,
# libspdlog, libfmt, ...); libcapstate.so.N is found inside the package itself.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME capstate)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${CPACK_PACKAGING_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "pciutils, man-db, bash-completion")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "save and restore PCI device state, capability by capability
capstate saves the configuration-space state of PCI and PCI Express devices into a
versioned binary state file, one record per capability, and writes it back later,
in restore-phase order, with read-back verification. Capability knowledge lives in
plugins; this package ships the PCI Express, MSI-X and LTR plugins, the default
policy in /usr/lib/capstate/capstate.toml and example systemd units that save
device state before a kexec and restore it in the next boot (not enabled).")

# libcapstate-dev: the header-only SDK needs Boost headers (Boost.DLL) and a C++20 compiler.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libcapstate-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "capstate (= ${_deb_version}), libboost-dev (>= 1.74)")
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "g++ (>= 4:12), cmake (>= 3.20), pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "plugin SDK for capstate
Header-only C++20 SDK for writing capstate capability plugins out of tree: the
headers, a CMake package (find_package(capstate) and capstate_add_plugin()), the
pkg-config file capstate-sdk.pc and the source of an example plugin in
/usr/share/capstate/examples/pm-example.")

include(CPack)
