#!/usr/bin/env bash
# Installs what EventScope needs to build, test and run on Debian 12 (bookworm), as root.
# Idempotent: it installs only the packages that are missing and never upgrades what is there.
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite
    libgl-dev libxkbcommon-dev
    libqscintilla2-qt6-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15 qtkeychain-qt6-dev zlib1g-dev dbus-daemon
    xvfb xauth x11-utils imagemagick fonts-dejavu-core
)
# What Debian's libnode108 (the V8 10.2 of Node 18, EventScope's JavaScript engine) needs at run time; listed so that
# a private copy of it (below) finds them too.
libnode_runtime=(libuv1 libc-ares2 libnghttp2-14 libbrotli1 libicu72 libssl3)
# Where libnode goes when apt cannot install it (packaging/FindLibNode.cmake looks here first).
libnode_prefix=/opt/eventscope/libnode
libnode_version_file=$libnode_prefix/version

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: run as root (it calls apt-get)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -y -q)
updated=0
apt_update() {
    if [ "$updated" -eq 0 ]; then
        apt-get "${apt_opts[@]}" update
        updated=1
    fi
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

# libnode-dev installs normally on a plain Debian 12. Where a vendor build of node (nodesource, say) holds the name
# `nodejs`, apt refuses it (its node-* dependencies want Debian's nodejs); there Debian's two packages are unpacked
# into a private prefix instead, and the system's node is never touched.
libnode_private=0
if installed libnode-dev; then
    :
elif [ -f "$libnode_version_file" ]; then
    libnode_private=1
else
    apt_update
    if apt-get "${apt_opts[@]}" -s install --no-install-recommends libnode-dev >/dev/null 2>&1; then
        packages+=(libnode-dev)
    else
        libnode_private=1
        echo "install-deps.sh: apt cannot install libnode-dev here (another nodejs package holds the name);" \
            "unpacking Debian's libnode108 and libnode-dev into $libnode_prefix"
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        chown _apt "$work" 2>/dev/null || true # apt downloads as _apt where that user exists
        (cd "$work" && apt-get "${apt_opts[@]}" download libnode108 libnode-dev)
        rm -rf "$libnode_prefix.new" && mkdir -p "$libnode_prefix.new"
        for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$libnode_prefix.new"; done
        dpkg-deb -f "$work"/libnode108_*.deb Version > "$libnode_prefix.new/version"
        rm -rf "$libnode_prefix" && mv "$libnode_prefix.new" "$libnode_prefix"
    fi
fi
if [ "$libnode_private" -eq 1 ]; then
    packages+=("${libnode_runtime[@]}")
fi

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps.sh: all ${#packages[@]} packages are present"
    exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
apt_update
apt-get "${apt_opts[@]}" install --no-install-recommends --no-upgrade "${missing[@]}"
