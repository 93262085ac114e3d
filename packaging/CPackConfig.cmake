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
include(CPack)
