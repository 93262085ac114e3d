#!/usr/bin/env bash
# Builds EventScope's .deb (unless one is given), installs it with apt and checks that it runs: the CLI folds a
# demo store through V8 from the libnode bundled in the package, and the GUI starts offscreen. Meant for a brand-new
# Debian 12 root (../shared/tools/fresh-root.sh . 'bash packaging/check-deb.sh'), as root.
# Usage: bash packaging/check-deb.sh [PACKAGE.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -y -q)

deb=${1:-}
if [ -z "$deb" ]; then
    bash packaging/install-deps.sh
    apt-get "${apt_opts[@]}" install --no-install-recommends dpkg-dev file >/dev/null # dpkg-shlibdeps and file, for cpack
    cmake --preset release >/dev/null
    cmake --build --preset release --target eventscope eventscope-cli
    (cd build/release && cpack -G DEB)
    deb=$(ls build/release/eventscope_*_amd64.deb)
else
    apt-get "${apt_opts[@]}" update
fi
echo "check-deb: installing $deb"
apt-get "${apt_opts[@]}" install "$(realpath "$deb")"

fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
# The bundled V8, not a system one (ldd prints the path through $ORIGIN: /usr/bin/../lib/eventscope/...).
loaded=$(ldd /usr/bin/eventscope-cli | awk '$1 == "libnode.so.108" { print $3 }')
[ "$(realpath -q "$loaded")" = /usr/lib/eventscope/libnode.so.108 ] || fail "eventscope-cli loads libnode from '$loaded', not /usr/lib/eventscope"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
eventscope-cli demo create "$work/demo.sqlite" --events 3000 >/dev/null
cat > "$work/balances.js" <<'JS'
({
  init: () => ({ balance: 0, moves: 0 }),
  apply: (s, e) => ({ ...s, balance: s.balance + (e.body.amountCents ?? 0), moves: s.moves + 1 })
});
JS
eventscope-cli project "$work/demo.sqlite" "$work/balances.js" --category account --json > "$work/out.jsonl"
grep -q '"status":"completed"' "$work/out.jsonl" || fail "project did not complete: $(tail -1 "$work/out.jsonl")"
# The demo store's planted drifts: exit code 1 says the snapshots were folded and compared.
set +e
eventscope-cli verify "$work/demo.sqlite" >/dev/null 2>&1
verified=$?
set -e
[ "$verified" -eq 1 ] || fail "verify exited $verified, not 1 (the demo store's planted drifts)"
QT_QPA_PLATFORM=offscreen eventscope --version | grep -q EventScope || fail "the GUI does not start"
echo "check-deb: OK: $(dpkg-query -W -f='${Package} ${Version}' eventscope) installs and runs$(command -v node >/dev/null && echo " beside $(node --version)")"
