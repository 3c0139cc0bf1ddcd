#!/usr/bin/env bash
# Run the whole Stagebox test suite: lint, types, unit, real-component and GUI tests.
# Installs what it needs first (./setup.sh --test), needs no display (Qt runs offscreen;
# screenshot tests start their own Xvfb) and starts/stops its own jackd servers.
# Extra arguments go to pytest, e.g. ./run-tests.sh -k alsa
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --test
export JACK_NO_START_SERVER=1 QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check app tests bench polkit
echo "== mypy (core)"; .venv/bin/mypy
if [ "$#" -gt 0 ]; then
  echo "== pytest $*"; exec .venv/bin/pytest -q "$@"
fi
# The Qt tests run in a process of their own: in one process with the other ~560 tests, the
# tray test's first jackd start crashed now and then (SIGSEGV in Qt's event loop, not yet
# explained; never seen with the Qt tests alone). See the open note on issue 8.
echo "== pytest (core, CLI, real components, package)"; .venv/bin/pytest -q --ignore=tests/gui
echo "== pytest (Qt: wizard, tray, hotplug)"; exec .venv/bin/pytest -q tests/gui
