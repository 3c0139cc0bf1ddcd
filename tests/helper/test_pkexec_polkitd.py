"""The whole path: an unprivileged user -> pkexec -> real polkitd -> the installed helper.

Runs a private dbus-daemon + polkitd (shared/docs/real-components.md §5), installs the policy,
a test rule for user nobody and the helper at /usr/libexec/stagebox/, and removes all of it
afterwards. pkexec hits the real /sys here, so these tests check authorization, the exact
exec path, the environment wipe and argument checks; the sysfs logic is in test_helper.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helper.conftest import HELPER, IS_ROOT, POLICY, SyslogCatcher, system_lock
from tests.helper.polkit_bus import ACTION_ID, PolkitBus, start_polkit_bus
from tests.helper.sysfs import standard_machine

INSTALLED = "/usr/libexec/stagebox/stagebox-ehci-helper"

pytestmark = pytest.mark.skipif(
    not IS_ROOT or not shutil.which("pkexec") or not os.path.exists("/usr/lib/polkit-1/polkitd"),
    reason="installs a polkit policy, a rule and the helper system-wide: needs root, pkexec "
    "and polkitd (CI runs as root with both installed)",
)


@pytest.fixture(scope="module")
def polkit() -> Iterator[PolkitBus]:
    with system_lock():
        tmp = Path(tempfile.mkdtemp(prefix="stagebox-polkit-"))
        os.chmod(tmp, 0o755)
        try:
            yield from start_polkit_bus(tmp, POLICY, HELPER)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def syslog_catcher(polkit: PolkitBus) -> Iterator[SyslogCatcher | None]:
    if os.path.lexists("/dev/log"):
        yield None  # a real logger owns /dev/log; the log is checked in test_helper.py
        return
    try:
        catcher = SyslogCatcher()
    except OSError:  # another process took /dev/log just now
        yield None
        return
    try:
        yield catcher
    finally:
        catcher.close()


def as_user(user: str, *argv: str, env: dict[str, str] | None = None):
    return subprocess.run(
        ["/usr/sbin/runuser", "-u", user, "--", *argv],
        capture_output=True,
        text=True,
        timeout=30,
        cwd="/",
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )


def test_polkitd_accepts_the_policy(polkit):
    proc = subprocess.run(
        ["pkaction", "--action-id", ACTION_ID, "--verbose"],
        env=polkit.env(),
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert proc.returncode == 0, proc.stderr
    assert "implicit any:      no" in proc.stdout
    assert "implicit inactive: no" in proc.stdout
    assert "implicit active:   auth_admin_keep" in proc.stdout
    assert f"org.freedesktop.policykit.exec.path -> {INSTALLED}" in proc.stdout


def test_unprivileged_user_runs_the_helper_as_root_through_pkexec(polkit, syslog_catcher):
    direct = subprocess.run([INSTALLED, "list-ehci"], capture_output=True, text=True, timeout=30)
    proc = as_user("nobody", "pkexec", INSTALLED, "list-ehci")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == direct.stdout  # the same view of the real /sys, as root
    if syslog_catcher is not None:
        assert any("list-ehci by uid 65534 via pkexec" in m for m in syslog_catcher.messages())


def test_hostile_address_through_pkexec_is_refused_by_the_helper(polkit):
    for value, words in [
        ("../../../../etc/passwd", "not a PCI address"),
        ("0000:00:1a.7\nx", "not a PCI address"),
        ("0000:00:1f.7", "no PCI device"),
    ]:
        proc = as_user("nobody", "pkexec", INSTALLED, "unbind-ehci", value)
        assert proc.returncode in (3, 4), proc.stderr
        assert words in proc.stderr


def test_pkexec_wipes_the_fake_sysfs_override(polkit, tmp_path):
    # The override names a tree with a bound EHCI controller; if it reached the helper, the
    # unbind would succeed and write into that tree. Through pkexec the helper sees the real
    # /sys, where 0000:00:1a.7 is not an EHCI bound to ehci-pci here.
    sysfs = standard_machine(tmp_path / "sys")
    os.chmod(tmp_path, 0o755)
    proc = as_user(
        "nobody",
        "pkexec",
        INSTALLED,
        "unbind-ehci",
        "0000:00:1a.7",
        env={
            "STAGEBOX_HELPER_SYSFS_ROOT": str(sysfs.root),
            "STAGEBOX_HELPER_STATE_DIR": str(tmp_path / "state"),
            "PYTHONPATH": str(tmp_path),
        },
    )
    assert proc.returncode != 0
    assert "[test sysfs" not in proc.stdout + proc.stderr
    assert sysfs.written("ehci-pci", "unbind") == ""
    assert not (tmp_path / "state").exists()


def test_user_without_the_rule_is_not_authorized(polkit):
    # No rule for "daemon" and no authentication agent: polkit says no, the helper never runs.
    proc = as_user("daemon", "pkexec", INSTALLED, "list-ehci")
    assert proc.returncode == 127
    assert "stagebox-ehci-helper" not in proc.stdout


def test_the_action_covers_only_the_installed_helper(polkit, tmp_path):
    # The same program at another path is another action (org.freedesktop.policykit.exec),
    # which the test rule does not grant: the policy is tied to one executable.
    copy = Path(tempfile.mkdtemp(prefix="stagebox-copy-")) / "stagebox-ehci-helper"
    try:
        shutil.copyfile(HELPER, copy)
        os.chmod(copy, 0o755)
        os.chmod(copy.parent, 0o755)
        proc = as_user("nobody", "pkexec", str(copy), "list-ehci")
        assert proc.returncode == 127
    finally:
        shutil.rmtree(copy.parent)


def test_root_gets_pkexec_uid_0(polkit):
    proc = subprocess.run(
        ["pkexec", INSTALLED, "unbind-ehci", "0000:00:1A.7"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd="/",
    )
    assert proc.returncode == 3
    assert "lower-case" in proc.stderr


def test_the_flow_runs_the_real_pkexec_and_reports_the_helpers_refusal(polkit):
    """stagebox.core.usb.unbind with its default runner: real pkexec, real polkitd, the
    installed helper on the real /sys (which has no EHCI 0000:00:1a.7 here)."""
    from stagebox.core.errors import StageboxError
    from stagebox.core.journal import Journal
    from stagebox.core.paths import UserPaths
    from stagebox.core.usb import UsbPlan, unbind

    plan = UsbPlan(needed=True, usb_id="0644:8020", model="Tascam US-144MKII")
    plan.controller = "0000:00:1a.7"
    journal = Journal(UserPaths.from_env())
    with pytest.raises(StageboxError) as refused:
        unbind(plan, journal)
    assert "the helper refused (exit 4)" in refused.value.message
    assert "there is no PCI device 0000:00:1a.7" in refused.value.message
    assert journal.active("usb") == []
