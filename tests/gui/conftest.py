"""GUI test set-up: real Qt (offscreen), the fake machine trees, unique JACK servers."""

from __future__ import annotations

import glob
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

ROOTS = Path(__file__).resolve().parents[1] / "fixtures" / "roots"


@pytest.fixture(autouse=True)
def background_tasks_finish_inside_their_test(qtbot) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Each test's background tasks (detection, jackd start, the test tone) end, and their
    results are delivered, before its windows are closed: a result arriving later would
    land on widgets Qt has already deleted, in whatever test runs then."""
    import gc

    gc.collect()  # what earlier tests left (their closed windows) goes on the main thread
    yield
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    qtbot.wait(10)  # deliver the queued results while the test's widgets still exist
    # The test's cyclic Qt garbage is collected here, on the main thread: collected later
    # by a worker thread of another test, shiboken's deferred deletion crashed.
    gc.collect()


@pytest.fixture
def jack_server_name() -> Iterator[str]:
    """A unique JACK server name; whatever Stagebox started under it is stopped afterwards."""
    from stagebox.core.jack import system
    from stagebox.core.jack.control import JackController

    name = f"sbtest-{uuid.uuid4().hex[:8]}"
    yield name
    try:
        JackController(UserPaths.from_env()).stop(name)
        # a killed jackd keeps its slot in jack2's 8-slot registry: give it back, or later
        # tests (and runs) find the registry full
        system.reclaim_dead_servers("/usr/bin/jackd", {name})
    finally:
        for leftover in glob.glob(f"/dev/shm/*{name}*"):
            if os.path.isfile(leftover):
                os.unlink(leftover)


@pytest.fixture
def make_wizard(qtbot) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """A shown wizard on a fake machine, with its detection finished."""
    from stagebox.gui.wizard.window import SetupWizard

    def make(root: str | Path, **kwargs: object) -> SetupWizard:
        path = root if isinstance(root, Path) else ROOTS / root
        wizard = SetupWizard(SystemRoot.at(path), UserPaths.from_env(), **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.start_detection()
        qtbot.waitUntil(
            lambda: wizard.scan is not None or wizard.detect_page.error is not None,
            timeout=10_000,
        )
        assert wizard.detect_page.error is None, wizard.detect_page.error
        qtbot.wait(10)  # widgets added to a shown page become visible one event turn later
        return wizard

    return make
