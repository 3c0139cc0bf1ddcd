#!/usr/bin/env bash
# Stagebox set-up on Debian/Ubuntu: system packages, a virtual environment, the package.
#
#   ./setup.sh            install everything, then launch Stagebox (the wizard on a desktop,
#                         `stagebox detect` otherwise)
#   ./setup.sh --no-run   install only
#   ./setup.sh --test     also install what the test suite needs (used by ./run-tests.sh)
#
# Re-running is fast: packages already present are not installed again, and the venv is
# only refreshed when pyproject.toml or constraints.txt changed. Works as root or as a
# normal user (sudo is used for apt only).
set -euo pipefail
cd "$(dirname "$0")"

run_after=1
with_tests=0
for arg in "$@"; do
  case "$arg" in
    --no-run) run_after=0 ;;
    --test) with_tests=1; run_after=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

# What Stagebox uses at run time: JACK, ALSA tools and plugins (usb_stream), polkit for the
# helper, headers to build pyalsaaudio, and the libraries Qt's xcb platform needs.
runtime_pkgs=(python3 python3-venv python3-dev gcc jackd2 alsa-utils libasound2-plugins
  libasound2-dev pkexec polkitd dbus libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
  libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 fonts-dejavu-core python3-gi)
# What the tests use: a virtual X server and tray host for screenshots, umockdev for udev
# events, validators for the polkit/desktop/AppStream files, and the Debian build tools.
test_pkgs=(xvfb xauth trayer umockdev gir1.2-umockdev-1.0 libxml2-utils desktop-file-utils
  appstream debhelper dh-python pybuild-plugin-pyproject python3-all python3-setuptools
  lintian fakeroot debootstrap python3-alsaaudio python3-pyudev python3-jack-client
  python3-platformdirs python3-jeepney)

pkgs=("${runtime_pkgs[@]}")
[ "$with_tests" = 1 ] && pkgs+=("${test_pkgs[@]}")

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing system packages: ${missing[*]}"
  # jackd2 asks about realtime rights in debconf; the noninteractive answer is "no", and
  # `stagebox check` explains how to turn it on.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" </dev/null
fi

# The EHCI helper runs as root through pkexec, so it must be root-owned where the polkit
# policy points (the Debian package puts it in the same places). Copied only when changed.
install_root_file() {  # mode source target
  if ! cmp -s "$2" "$3" 2>/dev/null; then
    echo "setup.sh: installing $3 (root-owned; used by \`stagebox usb\` through pkexec)"
    $sudo install -D -o root -g root -m "$1" "$2" "$3"
  fi
}
install_root_file 0755 polkit/stagebox-ehci-helper /usr/libexec/stagebox/stagebox-ehci-helper
install_root_file 0644 polkit/org.stagebox.ehci.policy /usr/share/polkit-1/actions/org.stagebox.ehci.policy

# The venv uses Debian's python3 and sees its site-packages, so the GObject bindings that
# umockdev's hotplug tests need are there; everything else is pinned inside the venv.
extras="gui"
[ "$with_tests" = 1 ] && extras="gui,test"
stamp=".venv/.stagebox-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)-$extras"
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup.sh: installing Stagebox and its Python dependencies into .venv"
  log=".venv/pip-install.log"  # pip's own chatter; shown only when it fails
  if ! { .venv/bin/python -m pip install -q --upgrade pip setuptools wheel &&
         .venv/bin/python -m pip install -q -c constraints.txt -e ".[$extras]"; } >"$log" 2>&1
  then
    tail -n 40 "$log" >&2
    echo "setup.sh: pip failed (full log: $log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

if [ "$run_after" = 1 ]; then
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/stagebox wizard
  fi
  exec .venv/bin/stagebox detect
fi
