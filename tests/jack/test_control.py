"""JackController against a real jackd (dummy driver, no realtime, one server name per test)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from stagebox.core.errors import StageboxError
from stagebox.core.jack import client as jack_client
from stagebox.core.jack import system
from stagebox.core.jack.control import JackController, JackStartError, ServerRecord
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths

from tests.jack.conftest import leftovers, process_alive, wait_dead


def dummy(name: str, rate: int = 48000, period: int = 256) -> JackSettings:
    return JackSettings(driver="dummy", realtime=False, server_name=name, rate=rate, period=period)


def test_start_connect_change_period_stop(controller: JackController, server_name: str) -> None:
    status = controller.start(dummy(server_name))
    assert status.running and status.started_by_stagebox
    assert (status.rate, status.period, status.periods) == (48000, 256, 2)
    assert status.latency_ms == pytest.approx(256 * 2 / 48000 * 1000)
    assert status.realtime is False and status.server_kind == "jackd"
    assert process_alive(status.pid)  # type: ignore[arg-type]
    assert controller.record_path(server_name).exists()
    assert "JACK server starting in non-realtime mode" in Path(status.log_path).read_text()  # type: ignore[arg-type]

    probe = jack_client.connect(server_name, "test-client")
    try:
        assert (probe.samplerate, probe.blocksize) == (48000, 256)
        changed = controller.set_period(512, server_name)
        assert changed.period == 512 and changed.pid == status.pid
        assert probe.blocksize == 512
    finally:
        probe.close()
    assert controller.status(server_name).settings.period == 512  # type: ignore[union-attr]

    stopped = controller.stop(server_name)
    assert stopped.state == "stopped" and stopped.message == "JACK stopped"
    assert wait_dead(status.pid)  # type: ignore[arg-type]
    assert not controller.record_path(server_name).exists()
    assert leftovers(server_name) == []
    assert controller.status(server_name).state == "stopped"


def test_restart_applies_a_period_live_and_restarts_for_the_rest(
    controller: JackController, server_name: str
) -> None:
    first = controller.start(dummy(server_name))
    live = controller.restart(dummy(server_name, period=128))
    assert live.pid == first.pid and live.period == 128
    again = controller.start(dummy(server_name, period=128))
    assert again.pid == first.pid and "already running" in (again.message or "")
    with pytest.raises(StageboxError, match="already running with other settings"):
        controller.start(dummy(server_name, rate=44100, period=128))
    new = controller.restart(dummy(server_name, rate=44100, period=128))
    assert new.pid != first.pid and new.rate == 44100
    assert wait_dead(first.pid)  # type: ignore[arg-type]
    controller.stop(server_name)


def test_shutdown_is_detected_when_jackd_dies(controller: JackController, server_name: str) -> None:
    status = controller.start(dummy(server_name))
    watcher = jack_client.connect(server_name, "watcher")
    gone = threading.Event()
    reasons: list[str] = []

    def on_shutdown(_status: object, reason: str) -> None:
        reasons.append(reason)
        gone.set()

    watcher.set_shutdown_callback(on_shutdown)
    watcher.activate()
    os.kill(status.pid, signal.SIGKILL)  # type: ignore[arg-type]
    assert gone.wait(5)
    assert reasons == ["JACK server has been closed"]
    watcher.close()
    assert wait_dead(status.pid)  # type: ignore[arg-type]
    after = controller.status(server_name)
    assert after.state == "stopped"
    assert not controller.record_path(server_name).exists()  # the stale record is dropped
    assert controller.stop(server_name).message == "JACK was not running"
    # its registry slot stays taken until a server of that name ends cleanly
    assert [e.server_name for e in system.registered_servers()].count(server_name) == 1
    assert system.reclaim_dead_servers("/usr/bin/jackd", {server_name}) == [server_name]
    assert server_name not in [e.server_name for e in system.registered_servers()]
    assert leftovers(server_name) == []


def test_someone_elses_server_is_seen_but_never_stopped(
    controller: JackController, server_name: str, foreign_jackd: subprocess.Popen[bytes]
) -> None:
    status = controller.status(server_name)
    assert status.running and not status.started_by_stagebox
    assert (status.rate, status.period) == (44100, 128)
    assert status.server_kind == "jackd" and status.pid == foreign_jackd.pid
    with pytest.raises(StageboxError, match="was not started by Stagebox"):
        controller.stop(server_name)
    assert foreign_jackd.poll() is None
    # and a second server of the same name is refused before jackd runs
    with pytest.raises(JackStartError) as refused:
        controller.start(dummy(server_name))
    assert [i.code for i in refused.value.issues if i.blocking] == ["server_running"]


def test_a_reused_pid_is_never_killed(
    controller: JackController, paths: UserPaths, server_name: str
) -> None:
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        record = ServerRecord(
            server_name=server_name,
            pid=bystander.pid,
            start_time=None,
            argv=["/usr/bin/jackd", f"-n{server_name}", "-ddummy"],
            settings=dummy(server_name).to_dict(),
            log_path=str(paths.state_dir / "x.log"),
            started_at=0.0,
        )
        controller._save_record(record)
        assert controller.stop(server_name).message == "JACK was not running"
        assert bystander.poll() is None
        assert not controller.record_path(server_name).exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_hooks_get_qjackctl_macros(
    controller: JackController, server_name: str, tmp_path: Path
) -> None:
    out = tmp_path / "hooks.txt"
    controller.start(
        dummy(server_name),
        preset="my preset",
        on_start=f"echo start %P %N %d %r %p %n >> {out}",
        on_stop=f"echo stop %N >> {out}",
    )
    assert out.read_text() == f"start my preset {server_name} dummy 48000 256 0\n"
    controller.stop(server_name)
    assert out.read_text().splitlines()[-1] == f"stop {server_name}"


def test_status_json_fields(controller: JackController, server_name: str) -> None:
    controller.start(dummy(server_name))
    data = controller.status(server_name).to_dict()
    for key in ("state", "pid", "rate", "period", "latency_ms", "xruns", "server_kind"):
        assert key in data
    assert data["state"] == "running" and isinstance(data["xruns"], int)
    assert data["argv"][1:] == dummy(server_name).to_argv()[1:]
    controller.stop(server_name)


def test_a_second_server_of_the_same_name_fails_without_harming_the_first(
    controller: JackController, server_name: str, foreign_jackd: subprocess.Popen[bytes]
) -> None:
    with pytest.raises(JackStartError) as failure:
        controller.start(dummy(server_name), check=False)  # past pre-flight: jackd says it
    assert [e.code for e in failure.value.explanations][:1] == ["server_running"]
    assert system.server_answers(server_name) and foreign_jackd.poll() is None
    assert jack_client.query(server_name) is not None


def test_a_hung_jackd_is_killed_and_cleaned_up(paths: UserPaths, server_name: str) -> None:
    controller = JackController(paths, stop_timeout=0.5)
    status = controller.start(dummy(server_name))
    os.kill(status.pid, signal.SIGSTOP)  # type: ignore[arg-type]  # it cannot react to SIGTERM
    stopped = controller.stop(server_name)
    assert stopped.message == "JACK stopped (it had to be killed)"
    assert wait_dead(status.pid)  # type: ignore[arg-type]
    assert leftovers(server_name) == []  # its /dev/shm files are gone
    assert server_name not in [e.server_name for e in system.registered_servers()]


@pytest.mark.parametrize(("sig", "stopped"), [(signal.SIGTERM, True), (signal.SIGKILL, False)])
def test_why_it_ended_tells_a_stop_on_request_from_a_death(
    controller: JackController, server_name: str, sig: signal.Signals, stopped: bool
) -> None:
    """A watcher that saw its server go away asks why: jackd's own 'caught signal 15' in
    the log means someone stopped it (no alarm); a killed jackd says nothing and failed."""
    controller.start(dummy(server_name))
    record = controller.record(server_name)
    assert record is not None
    os.kill(record.pid, sig)
    why = controller.why_it_ended(record, "JACK server has been closed")
    assert not process_alive(record.pid)  # it waited for jackd to finish its log
    assert why is None if stopped else why == "JACK server has been closed"
    assert controller.why_it_ended(None, "closed") is None  # not ours: its owner stopped it


def test_stopped_on_request_reads_jack2_and_jack1_words() -> None:
    from stagebox.core.jack.explain import stopped_on_request

    assert stopped_on_request("JACK server starting\nJack main caught signal 15\n")
    assert stopped_on_request("jack main caught signal 2")  # jack1, ^C
    assert not stopped_on_request("Jack main caught signal 11")  # a segfault is no request
    assert not stopped_on_request("JACK server starting in non-realtime mode\n")


def test_only_real_jack_servers_are_followed_not_pipewires_emulation() -> None:
    from stagebox.core.jack.control import JackStatus

    def status(state: str, kind: str) -> JackStatus:
        return JackStatus(state=state, server_name="default", server_kind=kind)

    assert status("running", "jackd").followable and status("running", "jackdbus").followable
    assert not status("running", "pipewire").followable
    assert not status("stopped", "jackd").followable
