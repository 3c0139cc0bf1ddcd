"""Fixtures for the ALSA config tests: hermetic alsa-lib, a fake system root, plans.

alsa-lib reads ``$ALSA_CONFIG_PATH`` (here: the system alsa.conf only), which loads
``~/.asoundrc`` and ``$XDG_CONFIG_HOME/alsa/asoundrc`` from the per-test HOME set by the
top-level conftest, so the real user's files are never read or written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

from tests.alsa.support import CURRENT_PLUGINS, Card, detection

ALSA_CONF = "/usr/share/alsa/alsa.conf"


@pytest.fixture(autouse=True)
def hermetic_alsa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALSA_CONFIG_PATH", ALSA_CONF)
    monkeypatch.delenv("ALSA_PLUGIN_DIR", raising=False)
    monkeypatch.delenv("ALSA_CONFIG_DIR", raising=False)


@pytest.fixture
def paths(isolated_home: Path) -> UserPaths:
    return UserPaths.from_env()


@pytest.fixture
def fake_root(tmp_path: Path) -> SystemRoot:
    """An empty machine tree: no /etc/asound.conf, no package database."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    return SystemRoot.at(root)


@pytest.fixture
def plan_for(paths: UserPaths, fake_root: SystemRoot) -> Callable[..., Any]:
    """``plan_for(*cards, **kw)``: plan_alsa on this test's HOME with the current plugins."""
    from stagebox.core.alsaconf import plan_alsa

    def make(*cards: Card, **kw: Any) -> Any:
        kw.setdefault("root", fake_root)
        kw.setdefault("plugins_version", CURRENT_PLUGINS)
        return plan_alsa(detection(*cards), paths, **kw)

    return make
