# `cpack -G DEB` in a build directory makes a Debian package of the GUI and the CLI.
set(CPACK_PACKAGE_NAME "eventscope")
set(CPACK_PACKAGE_VENDOR "EventScope")
set(CPACK_PACKAGE_CONTACT "EventScope developers <dev@eventscope.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")

# The executables install themselves with the .desktop file, AppStream metadata, icon and man page
# (app/gui/CMakeLists.txt, app/cli/CMakeLists.txt).

# V8 (Debian's libnode.so.108) travels inside the package, in a folder of its own that the executables' RPATH names:
# the package then installs where another nodejs holds the name (a vendor build of node), since it does not depend
# on Debian's libnode108, whose node-* dependencies want Debian's nodejs. dpkg-shlibdeps reads the bundled library's
# own dependencies (libuv1, libicu72, OpenSSL, ...) from it.
include(GNUInstallDirs)
set(EVENTSCOPE_PRIVATE_LIBDIR "${CMAKE_INSTALL_LIBDIR}/eventscope")
install(FILES "${LibNode_LIBRARY}" DESTINATION "${EVENTSCOPE_PRIVATE_LIBDIR}")
get_filename_component(_libnode_dir "${LibNode_LIBRARY}" DIRECTORY)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${_libnode_dir}")
include(CPack)
