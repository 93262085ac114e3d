#!/usr/bin/env bash
# Installs what EventScope needs to build, test and run on Debian 12 (bookworm), as root.
# Idempotent: it installs only the packages that are missing and never upgrades what is there.
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev qt6-declarative-dev qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite
    libgl-dev libxkbcommon-dev
    libqscintilla2-qt6-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15 qtkeychain-qt6-dev zlib1g-dev dbus-daemon
    xvfb xauth x11-utils imagemagick fonts-dejavu-core
)

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: run as root (it calls apt-get)" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps.sh: all ${#packages[@]} packages are present"
    exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -y -q)
apt-get "${apt_opts[@]}" update
apt-get "${apt_opts[@]}" install --no-install-recommends --no-upgrade "${missing[@]}"
