"""The real root helper against a fake sysfs: what it does, and everything it must refuse.

Each test starts the helper executable itself (shebang /usr/bin/python3 -IEs) as root with
the test-only sysfs override, exactly as root would run it by hand.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helper.conftest import HELPER, needs_root
from tests.helper.sysfs import AUDIO, EHCI, XHCI, FakePciSysfs

# The documented exit codes (README security note); a change here is a contract change.
OK, USAGE, BAD_ADDRESS, NO_DEVICE, NOT_EHCI, WRONG_DRIVER = 0, 2, 3, 4, 5, 6
ALREADY_BOUND, NO_DRIVER_TO_BIND, WRITE_FAILED, NOT_AUTHORIZED = 7, 8, 9, 10
OVERRIDE_REFUSED, STATE_FAILED = 11, 12


def test_exit_code_table_matches_the_documented_numbers(helper_module):
    codes = {e.name: e.value for e in helper_module.Exit}
    assert codes == {
        "OK": OK,
        "USAGE": USAGE,
        "BAD_ADDRESS": BAD_ADDRESS,
        "NO_DEVICE": NO_DEVICE,
        "NOT_EHCI": NOT_EHCI,
        "WRONG_DRIVER": WRONG_DRIVER,
        "ALREADY_BOUND": ALREADY_BOUND,
        "NO_DRIVER_TO_BIND": NO_DRIVER_TO_BIND,
        "WRITE_FAILED": WRITE_FAILED,
        "NOT_AUTHORIZED": NOT_AUTHORIZED,
        "OVERRIDE_REFUSED": OVERRIDE_REFUSED,
        "STATE_FAILED": STATE_FAILED,
    }
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name, value in codes.items():
        assert f"| {value} | `{name}`" in readme, f"exit code {name} missing from the README"


def test_helper_imports_only_the_standard_library():
    import ast
    import sys

    tree = ast.parse(HELPER.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported and imported <= set(sys.stdlib_module_names), imported
    assert HELPER.read_text().startswith("#!/usr/bin/python3 -IEs\n")
    assert not imported & {"subprocess", "shutil", "pty", "ctypes"}
    assert "os.system" not in HELPER.read_text() and "os.popen" not in HELPER.read_text()


# -- the validator, in-process (argv cannot carry NUL) ----------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0000:00:1a.7\x00",
        "\x000000:00:1a.7",
        "0000:00:1a.7\n",
        "0000:00:1a.7\nrm -rf /",
        "../../../devices",
        "0000:00:1a.7/../../x",
        "0000:00:1A.7",
        "0000:00:1a.8",
        "00:1a.7",
        " 0000:00:1a.7",
        "0000:00:1a.7 ",
        "0000:00:1a.7;id",
        "０000:00:1a.7",  # full-width digit: Unicode digits must not pass [0-9]
        "0" * 10_000,
        "",
    ],
)
def test_validator_rejects(helper_module, value):
    with pytest.raises(helper_module.Refusal) as refused:
        helper_module.check_address(value)
    assert refused.value.code == BAD_ADDRESS
    assert "\n" not in refused.value.message and "\x00" not in refused.value.message
    assert len(refused.value.message) < 200


def test_validator_accepts_the_real_form(helper_module):
    assert helper_module.check_address("0000:00:1a.7") == "0000:00:1a.7"
    assert helper_module.check_address("0000:0c:00.3") == "0000:0c:00.3"


def test_uppercase_gets_a_hint(helper_module):
    with pytest.raises(helper_module.Refusal) as refused:
        helper_module.check_address("0000:00:1A.7")
    assert "lower-case" in refused.value.message


# -- the real executable as root ------------------------------------------------------------


@needs_root
def test_unbind_writes_the_address_to_the_ehci_driver_and_records_it(run_helper, sysfs, state_dir):
    result = run_helper("unbind-ehci", "0000:00:1a.7")
    assert result.code == OK, result.err
    assert "unbound 0000:00:1a.7 from ehci-pci" in result.out
    assert sysfs.written("ehci-pci", "unbind") == "0000:00:1a.7"  # no newline, like echo -n
    assert sysfs.written("ehci-pci", "bind") == ""
    assert (state_dir / "0000:00:1a.7").read_text() == "ehci-pci\n"
    assert state_dir.stat().st_mode & 0o777 == 0o700


@needs_root
def test_rebind_binds_to_the_driver_it_was_unbound_from(run_helper, sysfs, state_dir):
    assert run_helper("unbind-ehci", "0000:00:1a.7").code == OK
    sysfs.kernel_unbinds("0000:00:1a.7", "ehci-pci")
    sysfs.driver_dir("ehci_hcd")  # an old driver name present too: must not be chosen
    listed = run_helper("list-ehci")
    assert "0000:00:1a.7\tunbound (by this helper, from ehci-pci)" in listed.out
    result = run_helper("rebind-ehci", "0000:00:1a.7")
    assert result.code == OK, result.err
    assert sysfs.written("ehci-pci", "bind") == "0000:00:1a.7"
    assert sysfs.written("ehci_hcd", "bind") == ""
    assert not (state_dir / "0000:00:1a.7").exists()


@needs_root
def test_old_driver_name_ehci_hcd_is_handled(tmp_path, run_helper, sysfs, state_dir):
    sysfs.add_device("0000:00:1a.0", EHCI, "ehci_hcd")
    assert run_helper("unbind-ehci", "0000:00:1a.0").code == OK
    assert sysfs.written("ehci_hcd", "unbind") == "0000:00:1a.0"
    assert (state_dir / "0000:00:1a.0").read_text() == "ehci_hcd\n"


@needs_root
def test_rebind_without_a_record_uses_the_loaded_ehci_driver(run_helper, sysfs):
    result = run_helper("rebind-ehci", "0000:00:1d.7")  # unbound by hand, before Stagebox
    assert result.code == OK, result.err
    assert sysfs.written("ehci-pci", "bind") == "0000:00:1d.7"


@needs_root
def test_list_shows_only_usb2_controllers(run_helper):
    result = run_helper("list-ehci")
    assert result.code == OK
    assert result.out.splitlines() == ["0000:00:1a.7\tbound ehci-pci", "0000:00:1d.7\tunbound"]


@needs_root
@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("unbind-ehci", "../../../devices"), BAD_ADDRESS, "not a PCI address"),
        (("unbind-ehci", "0000:00:1a.7\n"), BAD_ADDRESS, "not a PCI address"),
        (("unbind-ehci", "0000:00:1a.7\necho owned"), BAD_ADDRESS, "not a PCI address"),
        (("unbind-ehci", "0000:00:1a.7" + "7" * 5000), BAD_ADDRESS, "too long"),
        (("unbind-ehci", "0000:00:1b.0"), NOT_EHCI, "not a USB host controller"),
        (("unbind-ehci", "0000:00:14.0"), NOT_EHCI, "USB 3 (xHCI)"),
        (("unbind-ehci", "0000:00:1d.0"), NOT_EHCI, "USB 1.1 (UHCI)"),
        (("unbind-ehci", "0000:00:1d.7"), WRONG_DRIVER, "bound to no driver"),
        (("unbind-ehci", "0000:00:1f.3"), NO_DEVICE, "no PCI device"),
        (("rebind-ehci", "0000:00:1a.7"), ALREADY_BOUND, "already bound"),
        (("rebind-ehci", "0000:00:14.0"), NOT_EHCI, "xHCI"),
        (("rebind-ehci", "0000:00:1b.0"), NOT_EHCI, "not a USB host controller"),
        (("format-disk", "0000:00:1a.7"), USAGE, "usage"),
        (("unbind-ehci",), USAGE, "usage"),
        (("unbind-ehci", "0000:00:1a.7", "0000:00:1d.7"), USAGE, "usage"),
        (("list-ehci", "extra"), USAGE, "usage"),
        ((), USAGE, "usage"),
    ],
)
def test_refusals(run_helper, sysfs, args, code, words):
    result = run_helper(*args)
    assert result.code == code, (result.out, result.err)
    assert words in result.err
    assert result.out == ""
    assert result.err.count("\n") <= 2  # one clear line (usage has two)
    for driver in ("ehci-pci", "uhci_hcd", "xhci_hcd", "snd_hda_intel"):
        assert sysfs.written(driver, "unbind") == "", f"{driver} was touched"
        assert sysfs.written(driver, "bind") == ""


@needs_root
def test_device_entry_that_is_a_symlink_outside_sysfs_is_refused(tmp_path, run_helper, sysfs):
    # An EHCI-looking directory outside <root>/devices, linked into bus/pci/devices.
    outside = tmp_path / "outside" / "0000:00:1c.7"
    outside.mkdir(parents=True)
    (outside / "class").write_text(EHCI + "\n")
    (outside / "driver").symlink_to(sysfs.root / "bus/pci/drivers/ehci-pci")
    (sysfs.root / "bus/pci/devices/0000:00:1c.7").symlink_to(outside)
    result = run_helper("unbind-ehci", "0000:00:1c.7")
    assert result.code == NO_DEVICE
    assert "does not lead to a PCI device" in result.err
    assert sysfs.written("ehci-pci", "unbind") == ""


@needs_root
def test_device_entry_linked_to_another_device_is_refused(run_helper, sysfs):
    # 0000:00:1c.0 points at the real EHCI's directory: a name/target mismatch.
    (sysfs.root / "bus/pci/devices/0000:00:1c.0").symlink_to(
        "../../../devices/pci0000:00/0000:00:1a.7"
    )
    result = run_helper("unbind-ehci", "0000:00:1c.0")
    assert result.code == NO_DEVICE
    assert sysfs.written("ehci-pci", "unbind") == ""


@needs_root
def test_driver_link_to_a_fake_ehci_pci_outside_the_drivers_dir_is_refused(
    tmp_path, run_helper, sysfs
):
    device = sysfs.add_device("0000:00:1c.7", EHCI)
    fake_driver = tmp_path / "evil" / "ehci-pci"
    fake_driver.mkdir(parents=True)
    (fake_driver / "unbind").write_text("")
    (device / "driver").symlink_to(fake_driver)
    result = run_helper("unbind-ehci", "0000:00:1c.7")
    assert result.code == WRONG_DRIVER
    assert (fake_driver / "unbind").read_text() == ""


@needs_root
def test_unbind_file_that_cannot_be_written_fails_cleanly(run_helper, sysfs, state_dir):
    # Root ignores file modes (chmod 0444 still writes), so make the write fail for real:
    # the kernel's attribute is replaced by a directory, which no open(O_WRONLY) accepts.
    unbind = sysfs.root / "bus/pci/drivers/ehci-pci/unbind"
    unbind.unlink()
    unbind.mkdir()
    result = run_helper("unbind-ehci", "0000:00:1a.7")
    assert result.code == WRITE_FAILED
    assert "cannot open" in result.err and "Is a directory" in result.err
    assert not (state_dir / "0000:00:1a.7").exists()  # no record of an unbind that failed


@needs_root
def test_unbind_file_that_is_a_fifo_is_refused_without_blocking(run_helper, sysfs):
    unbind = sysfs.root / "bus/pci/drivers/ehci-pci/unbind"
    unbind.unlink()
    os.mkfifo(unbind)
    result = run_helper("unbind-ehci", "0000:00:1a.7")
    assert result.code == WRITE_FAILED


@needs_root
def test_unbind_file_that_is_a_symlink_is_not_followed(tmp_path, run_helper, sysfs):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    unbind = sysfs.root / "bus/pci/drivers/ehci-pci/unbind"
    unbind.unlink()
    unbind.symlink_to(victim)
    result = run_helper("unbind-ehci", "0000:00:1a.7")
    assert result.code == WRITE_FAILED
    assert victim.read_text() == "precious\n"


@needs_root
def test_state_dir_writable_by_others_is_refused(run_helper, sysfs, state_dir):
    state_dir.mkdir(mode=0o777)
    os.chmod(state_dir, 0o777)
    result = run_helper("unbind-ehci", "0000:00:1a.7")
    assert result.code == STATE_FAILED
    assert sysfs.written("ehci-pci", "unbind") == ""


@needs_root
def test_damaged_record_is_refused(run_helper, sysfs, state_dir):
    sysfs.kernel_unbinds("0000:00:1a.7", "ehci-pci")
    state_dir.mkdir(mode=0o700)
    (state_dir / "0000:00:1a.7").write_text("../../usb-storage\n")
    result = run_helper("rebind-ehci", "0000:00:1a.7")
    assert result.code == STATE_FAILED
    assert sysfs.written("ehci-pci", "bind") == ""


@needs_root
def test_rebind_with_no_ehci_driver_loaded(tmp_path, run_helper, sysfs):
    (sysfs.root / "bus/pci/drivers/ehci-pci/0000:00:1a.7").unlink()
    for name in os.listdir(sysfs.root / "bus/pci/drivers/ehci-pci"):
        (sysfs.root / "bus/pci/drivers/ehci-pci" / name).unlink()
    (sysfs.root / "bus/pci/drivers/ehci-pci").rmdir()
    (sysfs.root / "devices/pci0000:00/0000:00:1a.7/driver").unlink()
    result = run_helper("rebind-ehci", "0000:00:1a.7")
    assert result.code == NO_DRIVER_TO_BIND
    assert "modprobe ehci-pci" in result.err


# -- who may call it ------------------------------------------------------------------------


@needs_root
def test_fake_root_override_is_refused_when_pkexec_uid_is_set(run_helper, sysfs, state_dir):
    result = run_helper("unbind-ehci", "0000:00:1a.7", env={"PKEXEC_UID": "1000"})
    assert result.code == OVERRIDE_REFUSED
    assert "refused under pkexec" in result.err
    assert sysfs.written("ehci-pci", "unbind") == ""
    assert not state_dir.exists()


@needs_root
def test_state_dir_override_alone_is_refused(run_helper, tmp_path):
    result = run_helper(
        "list-ehci", fake=False, env={"STAGEBOX_HELPER_STATE_DIR": str(tmp_path / "s")}
    )
    assert result.code == OVERRIDE_REFUSED


@needs_root
@pytest.mark.parametrize("value", ["0;id", "", "²", "\u0663", "1" * 11, "-1"])
def test_pkexec_uid_that_is_not_a_number_is_refused(run_helper, value):
    result = run_helper("list-ehci", fake=False, env={"PKEXEC_UID": value})
    assert result.code == NOT_AUTHORIZED, result.err
    assert "is not a user id" in result.err


@needs_root
def test_python_environment_is_ignored(tmp_path, run_helper):
    # -IEs: PYTHONPATH / PYTHONSTARTUP / a user site must not load code into the root helper.
    evil = tmp_path / "evil"
    evil.mkdir()
    marker = tmp_path / "ran"
    for name in ("re.py", "syslog.py", "sitecustomize.py", "usercustomize.py"):
        (evil / name).write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    result = run_helper(
        "list-ehci",
        env={"PYTHONPATH": str(evil), "PYTHONSTARTUP": str(evil / "re.py"), "PYTHONHOME": "/x"},
    )
    assert result.code == OK
    assert not marker.exists()


def test_non_root_caller_is_refused(tmp_path):
    """As root this test drops to user nobody; as a normal user it just runs."""
    argv = [str(HELPER), "unbind-ehci", "0000:00:1a.7"]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "nobody", "--", *argv]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd="/")
    assert proc.returncode == NOT_AUTHORIZED, proc.stderr
    assert "must run as root, through pkexec" in proc.stderr


@needs_root
def test_every_action_and_refusal_goes_to_syslog(dev_log, run_helper, sysfs):
    run_helper("unbind-ehci", "0000:00:1a.7")
    run_helper("unbind-ehci", "0000:00:14.0")
    run_helper("unbind-ehci", "bad\naddress")
    lines = dev_log.messages()
    assert any("unbind-ehci 0000:00:1a.7 by root (directly): unbound" in m for m in lines), lines
    assert any("unbind-ehci '0000:00:14.0' refused" in m and "xHCI" in m for m in lines)
    # The newline is escaped, so a caller cannot forge a second log line.
    assert any("'bad\\naddress' refused" in m for m in lines)
    assert all("\n" not in m.rstrip("\n") for m in lines)


def test_fake_sysfs_layout_matches_capture_26(tmp_path):
    """The fake driver directory has exactly what capture 26 lists."""
    sysfs = FakePciSysfs.create(tmp_path / "sys")
    sysfs.add_device("0000:00:1a.7", EHCI, "ehci-pci")
    assert sorted(os.listdir(sysfs.root / "bus/pci/drivers/ehci-pci")) == [
        "0000:00:1a.7",
        "bind",
        "new_id",
        "remove_id",
        "uevent",
        "unbind",
    ]
    assert XHCI != EHCI != AUDIO


@needs_root
def test_argument_that_is_not_utf8_is_refused_cleanly(sysfs, state_dir):
    proc = subprocess.run(
        [bytes(HELPER), b"unbind-ehci", b"0000:00:1a.7\xff\xfe"],
        env={
            "PATH": "/usr/bin:/bin",
            "STAGEBOX_HELPER_SYSFS_ROOT": str(sysfs.root),
            "STAGEBOX_HELPER_STATE_DIR": str(state_dir),
        },
        capture_output=True,
        timeout=30,
    )
    assert proc.returncode == BAD_ADDRESS
    assert b"Traceback" not in proc.stderr
    proc.stderr.decode("ascii")  # escaped: nothing but ASCII reaches the terminal
    assert sysfs.written("ehci-pci", "unbind") == ""
