#!/usr/bin/env bash
# Run the whole Stagebox test suite: lint, types, unit, real-component and GUI tests.
# Installs what it needs first (./setup.sh --test), needs no display (Qt runs offscreen;
# screenshot tests start their own Xvfb) and starts/stops its own jackd servers.
# Extra arguments go to pytest, e.g. ./run-tests.sh -k alsa
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --test
export JACK_NO_START_SERVER=1 QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check app tests bench polkit && .venv/bin/ruff format --check app tests bench polkit
echo "== mypy (core)"; .venv/bin/mypy
if [ "$#" -gt 0 ]; then
  echo "== pytest $*"; exec .venv/bin/pytest -q "$@"
fi
# The Qt tests run in a process of their own, so nothing one suite leaves behind (threads,
# garbage, libjack clients) can reach the other. That is how a crash was found: Qt objects
# from earlier tests garbage-collected in a worker thread made shiboken's deferred deletion
# segfault; garbage is now collected on the UI thread (gui/tasks.py, tests/gui/conftest.py).
echo "== pytest (core, CLI, real components, package)"; .venv/bin/pytest -q --ignore=tests/gui
echo "== pytest (Qt: wizard, tray, hotplug)"; exec .venv/bin/pytest -q tests/gui
