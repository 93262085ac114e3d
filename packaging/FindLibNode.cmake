# Finds V8 as Debian 12 ships it: libnode108 (the V8 10.2 inside Node 18) and its headers from libnode-dev, which have
# no pkg-config file or CMake package. Looks first in the private prefix packaging/install-deps.sh unpacks them into
# where apt cannot install them (a vendor node holds the name `nodejs`), then in the system.
#
# The headers and the library are taken from the same prefix: a vendor node's own /usr/include/node holds the headers
# of another V8, whose ABI differs.
#
# Defines LibNode_FOUND, LibNode_VERSION (V8's), LibNode_LIBRARY (the real file, libnode.so.108), LibNode_PRIVATE (the
# library is not the system's) and the imported target LibNode::V8.
set(EVENTSCOPE_LIBNODE_PREFIX "/opt/eventscope/libnode" CACHE PATH
    "Where install-deps.sh unpacks Debian's libnode108 and libnode-dev when apt cannot install them")

set(_libnode_arch "${CMAKE_LIBRARY_ARCHITECTURE}")
if(NOT _libnode_arch)
    set(_libnode_arch "x86_64-linux-gnu")
endif()
unset(LibNode_INCLUDE_DIR)
unset(LibNode_LIBRARY)
foreach(_root IN ITEMS "${EVENTSCOPE_LIBNODE_PREFIX}" "/")
    set(_include "${_root}/usr/include/node")
    set(_library "${_root}/usr/lib/${_libnode_arch}/libnode.so.108")
    if(EXISTS "${_include}/v8-version.h" AND EXISTS "${_include}/libplatform/libplatform.h" AND EXISTS "${_library}")
        set(LibNode_INCLUDE_DIR "${_include}")
        set(LibNode_LIBRARY "${_library}")
        if(_root STREQUAL "/")
            set(LibNode_PRIVATE OFF)
        else()
            set(LibNode_PRIVATE ON)
        endif()
        break()
    endif()
endforeach()

if(LibNode_INCLUDE_DIR)
    file(STRINGS "${LibNode_INCLUDE_DIR}/v8-version.h" _v8_version_lines REGEX "#define V8_(MAJOR|MINOR)_VERSION")
    string(REGEX REPLACE ".*V8_MAJOR_VERSION ([0-9]+).*" "\\1" _v8_major "${_v8_version_lines}")
    string(REGEX REPLACE ".*V8_MINOR_VERSION ([0-9]+).*" "\\1" _v8_minor "${_v8_version_lines}")
    set(LibNode_VERSION "${_v8_major}.${_v8_minor}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibNode
    REQUIRED_VARS LibNode_LIBRARY LibNode_INCLUDE_DIR
    VERSION_VAR LibNode_VERSION
    REASON_FAILURE_MESSAGE "run packaging/install-deps.sh (it installs libnode-dev, or unpacks it into ${EVENTSCOPE_LIBNODE_PREFIX})")

if(LibNode_FOUND AND NOT TARGET LibNode::V8)
    if(NOT LibNode_VERSION VERSION_EQUAL "10.2")
        message(FATAL_ERROR "EventScope is built and tested against V8 10.2 (Debian 12's libnode108); "
            "${LibNode_INCLUDE_DIR} holds V8 ${LibNode_VERSION}")
    endif()
    add_library(LibNode::V8 SHARED IMPORTED)
    # Imported include directories are system ones: V8's headers do not build warning-free under -Wextra.
    set_target_properties(LibNode::V8 PROPERTIES
        IMPORTED_LOCATION "${LibNode_LIBRARY}"
        IMPORTED_SONAME "libnode.so.108"
        INTERFACE_INCLUDE_DIRECTORIES "${LibNode_INCLUDE_DIR}")
endif()
