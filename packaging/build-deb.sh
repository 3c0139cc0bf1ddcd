#!/usr/bin/env bash
# Build Stagebox's .deb from this checkout: packaging/build-deb.sh [OUTDIR]
#
# debian/ lives in packaging/debian so the top level stays the project's own; this copies the
# sources the package needs into a scratch tree, puts debian/ there and runs
# dpkg-buildpackage with Debian's python3 (a pyenv python first on PATH breaks pybuild).
# Needs: debhelper dh-python pybuild-plugin-pyproject python3-all python3-setuptools
# (./setup.sh --test installs them). Works offline.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$repo/dist}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/pyproject.toml")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="$work/stagebox-$version"
mkdir -p "$src" "$out"
tar -C "$repo" --exclude='__pycache__' --exclude='*.egg-info' -cf - \
  pyproject.toml README.md LICENSE app resources polkit packaging | tar -C "$src" -xf -
cp -r "$repo/packaging/debian" "$src/debian"
(cd "$src" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work" LANG=C.UTF-8 \
  dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
  tail -n 40 "$work/build.log" >&2
  echo "build-deb.sh: dpkg-buildpackage failed (log above)" >&2
  exit 1
}
cp "$work"/stagebox_"$version"_all.deb "$out/"
echo "$out/stagebox_${version}_all.deb"
