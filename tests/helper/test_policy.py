"""The polkit policy: valid against polkit's DTD (offline, xmllint) and as narrow as intended.

polkitd itself loads it in test_pkexec_polkitd.py (the DTD does not check values).
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helper.conftest import POLICY

DTD = Path("/usr/share/polkit-1/policyconfig-1.dtd")

xmllint = pytest.mark.skipif(
    shutil.which("xmllint") is None or not DTD.exists(),
    reason="needs xmllint (libxml2-utils) and polkitd's DTD; setup.sh installs both",
)


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xmllint", "--noout", "--nonet", "--dtdvalid", str(DTD), str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@xmllint
def test_policy_is_valid_against_the_dtd():
    result = validate(POLICY)
    assert result.returncode == 0, result.stderr


@xmllint
def test_the_validation_catches_a_misspelled_element(tmp_path):
    broken = tmp_path / "broken.policy"
    broken.write_text(
        POLICY.read_text().replace("<message>", "<mesage>").replace("</message>", "</mesage>")
    )
    result = validate(broken)
    assert result.returncode == 3
    assert "No declaration for element mesage" in result.stderr


def test_one_narrow_action_tied_to_the_helper():
    root = ET.parse(POLICY).getroot()
    actions = root.findall("action")
    assert [a.get("id") for a in actions] == ["org.stagebox.ehci.unbind"]
    action = actions[0]
    defaults = action.find("defaults")
    assert defaults is not None
    assert defaults.findtext("allow_any") == "no"
    assert defaults.findtext("allow_inactive") == "no"
    assert defaults.findtext("allow_active") == "auth_admin_keep"
    annotations = {a.get("key"): a.text for a in action.findall("annotate")}
    assert annotations == {
        "org.freedesktop.policykit.exec.path": "/usr/libexec/stagebox/stagebox-ehci-helper",
        "org.freedesktop.policykit.exec.allow_gui": "false",
    }
    message = action.findtext("message") or ""
    # Says in plain words what happens, to what, and how to undo it.
    for words in (
        "USB 2.0 (EHCI) controller off",
        "USB 1.1 speed",
        "disconnect",
        "stagebox usb rebind",
    ):
        assert words in message
