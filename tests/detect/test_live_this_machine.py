"""The live path on the machine the tests run on (no sound hardware here)."""

from __future__ import annotations

import json

from stagebox.core.detect import detect_live
from stagebox.core.sysroot import SystemRoot


def test_live_detect_on_this_machine_does_not_crash(run_cli) -> None:
    result = detect_live(SystemRoot())
    codes = {f.code for f in result.findings}
    if not SystemRoot().is_dir("/proc/asound"):
        assert result.alsa.value == "not_loaded" and "alsa_not_loaded" in codes
    elif not result.interfaces():
        assert "no_external_interface" in codes or result.usb_audio_without_card
    cli = run_cli("detect", "--json")
    assert cli.code == 0, cli.err
    assert json.loads(cli.out)["kernel"] == result.kernel
    text = run_cli("detect")
    assert text.code == 0 and "Sound hardware of this machine" in text.out
