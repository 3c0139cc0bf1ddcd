"""The first-run wizard driven through every page on the fake machines, with a real jackd
(dummy driver) on the Test page and real files written in the isolated HOME."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWizard
from stagebox.core import autostart
from stagebox.core.jack.profiles import ProfileStore
from stagebox.core.journal import Journal
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot
from stagebox.core.wizard_flow import StepKind
from stagebox.gui.wizard.window import SetupWizard

from tests.fakeroot import FakeMachine, Pcm
from tests.gui.helpers import visible_text

LEFT = Qt.MouseButton.LeftButton


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, LEFT)


def next_enabled(w: SetupWizard) -> bool:
    return w.button(QWizard.WizardButton.NextButton).isEnabled()


def use_dummy_driver(w: SetupWizard, server: str) -> None:
    """This machine has no sound card: the Test page runs JACK's dummy driver instead."""
    page = w.jack_page
    page.advanced_toggle.setChecked(True)
    page.driver.setCurrentText("dummy")
    page.realtime.setChecked(False)
    page.server_name.setText(server)


def run_test_page(w: SetupWizard, qtbot, rate: int, period: int) -> None:  # type: ignore[no-untyped-def]
    page = w.test_page
    assert w.currentId() == w.TEST
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: page.model.running or page.model.message is not None, timeout=20_000)
    assert page.model.running, page.state_label.text()
    text = page.state_label.text()
    assert f"{rate} Hz" in text and f"{period} frames" in text
    # the dummy driver on a busy test machine may really drop out: the count is shown live
    assert f"{page.model.xruns} dropouts (xruns)" in text
    click(qtbot, page.tone_button)
    qtbot.waitUntil(lambda: "system:playback_1" in page.tone_label.text(), timeout=10_000)
    click(qtbot, page.stop_button)
    qtbot.waitUntil(lambda: not page.model.running, timeout=10_000)
    assert "not running" in page.state_label.text()


# -- US-122L: ALSA fix on click, undo, JACK, test tone, finish -------------------------------
def test_us122l_through_every_page(make_wizard, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    w = make_wizard("us122l-ich5")
    paths = UserPaths.from_env()
    detect = visible_text(w.detect_page)
    assert "US-122L" in w.detect_page.interface_list.item(0).text()
    assert "built-in sound" in detect  # the onboard ICH5 is shown apart
    assert w.device is not None and w.device.jack_device == "us-122l"
    assert next_enabled(w)

    w.next()
    assert w.currentId() == w.FIX
    (box,) = [b for b in w.fix_page.boxes if b.step.kind is StepKind.ALSA_CONFIG]
    assert "type usb_stream" in box.step.change and "+++ ~/.asoundrc" in box.step.change
    assert box.step.what.endswith("~/.asoundrc")
    assert not paths.asoundrc.exists()  # nothing happens before the click
    click(qtbot, box.apply_button)
    qtbot.waitUntil(lambda: box.step.applied, timeout=10_000)
    written = paths.asoundrc.read_text()
    assert "pcm.us-122l" in written and 'card "US122L"' in written
    assert Journal(paths).last("alsa") is not None
    click(qtbot, box.undo_button)
    qtbot.waitUntil(lambda: not box.step.applied, timeout=10_000)
    assert not paths.asoundrc.exists()
    click(qtbot, box.apply_button)
    qtbot.waitUntil(lambda: box.step.applied, timeout=10_000)

    w.next()
    page = w.jack_page
    assert w.currentId() == w.JACK
    assert page.device_label.text() == "us-122l"
    assert "21.3 ms" in page.latency.text()  # usb_stream default: 2 x 512 at 48 kHz
    assert not page.periods.isEnabled()  # usb_stream needs exactly 2 periods
    page.period.setCurrentText("256")
    assert "10.7 ms" in page.latency.text()
    use_dummy_driver(w, jack_server_name)
    assert f"-n{jack_server_name}" in page.command.text()

    w.next()
    run_test_page(w, qtbot, 48000, 256)
    w.test_page.autostart.setChecked(True)
    click(qtbot, w.button(QWizard.WizardButton.FinishButton))
    profile = ProfileStore(paths).get(w.test_page.profile_name())
    assert "US-122L" in profile.name
    assert profile.settings.period == 256 and profile.device is not None
    assert autostart.is_enabled(paths)
    assert Journal(paths).last("autostart") is not None
    from stagebox.core.tray_state import ActiveProfile

    assert ActiveProfile(paths).get() == profile.name  # the tray starts what was tested


# -- US-144MKII without a card: explanation, fix steps, replug reacts ------------------------
def us144mkii_after_replug(path: Path) -> Path:
    """The notebook of capture 26 after the EHCI unbind and a replug: the US-144MKII is on
    the UHCI companion at full speed and snd-usb-us122l made card 1 "US122L"."""
    m = FakeMachine(path, kernel="6.1.0-13-amd64")
    m.pci_controller("0000:00:1a.7", "ehci", "8086:293c", bound=False)
    uhci = m.pci_controller("0000:00:1a.0", "uhci", "8086:2937", bus=3)
    dev = m.usb_device(
        uhci,
        usb_id="0644:8020",
        port="1",
        speed="12",
        product="US-144MKII",
        manufacturer="TASCAM",
        drivers=["snd-usb-us122l", "snd-usb-us122l"],
    )
    pch = m.pci_device("0000:00:1b.0", "040300", "8086:293e", driver="snd_hda_intel")
    m.alsa_card(
        0,
        "PCH",
        "HDA-Intel",
        "HDA Intel PCH",
        "HDA Intel PCH at 0xf7f10000 irq 29",
        module="snd_hda_intel",
        pci=pch,
        pcms=[Pcm(0, "ALC269VC Analog", playback=True, capture=True)],
    )
    m.alsa_card(
        1,
        "US122L",
        "USB US-122L",
        "TASCAM US-122L",
        "TASCAM US-122L (644:8020 if 0 at 003/002)",
        module="snd_usb_us122l",
        usb=dev,
        hwdeps=["/dev/bus/usb/003/002/hwdeppcm"],
        midi=True,
    )
    return m.finish()


def test_us144mkii_without_card_explains_and_waits_for_replug(
    make_wizard, qtbot, tmp_path, jack_server_name
) -> None:  # type: ignore[no-untyped-def]
    after = us144mkii_after_replug(tmp_path / "after")
    asked: list[tuple[str, float]] = []

    def replugged(usb_id: str, timeout: float) -> bool:
        # Stands in for udev (no udevd here): the user replugged, the machine now has a card.
        asked.append((usb_id, timeout))
        w.root = SystemRoot.at(after)
        return True

    w = make_wizard("us144mkii-ehci-nocard", wait_for_card=replugged)
    assert w.device is None
    assert "US-144MKII" in visible_text(w.detect_page)
    assert not w.detect_page.interface_list.isVisibleTo(w.detect_page)
    assert next_enabled(w)  # a device without a card leads to the Fix page

    w.next()
    page = w.fix_page
    assert page.replug.isVisibleTo(page) and page.need_device.isVisibleTo(page)
    assert not next_enabled(w)  # JACK needs a card first
    usb = [b for b in page.boxes if b.step.kind is StepKind.USB_UNBIND]
    assert usb and "0000:00:1a.7" in usb[0].step.change + usb[0].step.why
    click(qtbot, page.replug_button)
    qtbot.waitUntil(lambda: w.device is not None, timeout=10_000)
    assert asked == [("0644:8020", 60)]
    qtbot.waitUntil(lambda: next_enabled(w), timeout=5_000)
    assert [b.step.kind for b in page.boxes if b.step.kind is StepKind.ALSA_CONFIG]

    w.next()
    assert w.jack_page.device_label.text() == w.device.jack_device
    use_dummy_driver(w, jack_server_name)
    w.next()
    run_test_page(w, qtbot, 48000, 512)


# -- Scarlett: an ordinary card; the latency follows rate and period ------------------------
def test_scarlett_settings_update_the_latency(make_wizard, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    w = make_wizard("scarlett-18i20-xhci")
    assert "18i20" in w.detect_page.interface_list.item(0).text()
    w.next()
    assert not [b for b in w.fix_page.boxes if b.step.kind is not StepKind.MANUAL]
    w.next()
    page = w.jack_page
    assert page.device_label.text().startswith("hw:")
    assert page.periods.isEnabled()
    before = page.latency.text()
    page.periods.setValue(3)
    assert page.latency.text() != before and "(3 ×" in page.latency_how.text()
    page.rate.setCurrentIndex(page.rate.findData(96000))
    assert "96000 Hz" in page.latency_how.text()
    use_dummy_driver(w, jack_server_name)
    w.next()
    run_test_page(w, qtbot, 96000, w.settings.period)
    w.back()
    assert w.currentId() == w.JACK


# -- onboard only: not offered, unless the user asks --------------------------------------------
def test_onboard_only_is_offered_only_on_request(make_wizard, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    w = make_wizard("onboard-only")
    page = w.detect_page
    assert page.no_interface.isVisibleTo(page)
    assert "built-in sound" in visible_text(page)
    assert w.device is None and not next_enabled(w)
    page.use_onboard.setChecked(True)
    assert w.device is not None and next_enabled(w)
    w.next()
    w.next()
    assert w.jack_page.device_label.text() == w.device.jack_device
    use_dummy_driver(w, jack_server_name)
    w.next()
    run_test_page(w, qtbot, 48000, w.settings.period)


# -- keyboard only ------------------------------------------------------------------------
def test_every_page_works_with_the_keyboard(make_wizard, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Tab reaches every control, Return goes on, Space presses the focused button."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    w = make_wizard("scarlett-18i20-xhci")
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    window = w.windowHandle()
    back = w.button(QWizard.WizardButton.BackButton)

    def key(k: Qt.Key) -> None:
        QTest.keyClick(window, k)  # through the window: what a real key press does

    def tab_to(target) -> None:  # type: ignore[no-untyped-def]
        for _ in range(80):
            if QApplication.focusWidget() is target:
                return
            key(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reaches {target}")

    tab_to(w.detect_page.interface_list)
    key(Qt.Key.Key_Return)
    assert w.currentId() == w.FIX
    key(Qt.Key.Key_Return)
    assert w.currentId() == w.JACK
    page = w.jack_page
    tab_to(page.rate)
    before = page.latency_how.text()
    key(Qt.Key.Key_Down)
    assert page.latency_how.text() != before
    tab_to(page.period)
    key(Qt.Key.Key_Down)
    tab_to(page.advanced_toggle)
    key(Qt.Key.Key_Space)
    assert page.advanced.isVisibleTo(page)
    tab_to(page.driver)
    tab_to(back)
    key(Qt.Key.Key_Space)
    assert w.currentId() == w.FIX
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Return)
    assert w.currentId() == w.TEST
    tab_to(w.test_page.start_button)
    tab_to(w.test_page.autostart)
    key(Qt.Key.Key_Space)
    assert w.test_page.autostart.isChecked()
    tab_to(back)
    key(Qt.Key.Key_Space)
    assert w.currentId() == w.JACK


@pytest.mark.parametrize("root", ["us122l-ich5", "us144mkii-ehci-nocard", "onboard-only"])
def test_pages_reflow_at_800x600(make_wizard, root: str) -> None:  # type: ignore[no-untyped-def]
    w = make_wizard(root)
    w.resize(800, 600)
    for page_id in (w.DETECT, w.FIX, w.JACK, w.TEST):
        while w.currentId() < page_id:
            w.next()
        page = w.page(page_id)
        from PySide6.QtWidgets import QApplication, QScrollArea

        QApplication.processEvents()
        scroll = page.findChild(QScrollArea)
        assert scroll.horizontalScrollBar().maximum() == 0, f"page {page_id} is too wide"
        assert w.width() <= 800 and w.height() <= 600


# -- JACK settings found from other tools ----------------------------------------------------
def test_settings_from_jackdrc_and_qjackctl_are_offered(make_wizard, qtbot) -> None:  # type: ignore[no-untyped-def]
    paths = UserPaths.from_env()
    paths.jackdrc.write_text("/usr/bin/jackd -P70 -dalsa -dhw:0 -r44100 -p128 -n3\n")
    paths.qjackctl_conf.parent.mkdir(parents=True)
    paths.qjackctl_conf.write_text(
        "[Presets]\nDefPreset=Studio\nPreset1=Studio\n\n[Settings]\nDriver=alsa\n"
        "Interface=hw:0\nSampleRate=48000\nFrames=256\nPeriods=2\n"
        "Studio\\Driver=alsa\nStudio\\Interface=hw:1\nStudio\\SampleRate=96000\n"
        "Studio\\Frames=64\nStudio\\Periods=3\n"
    )
    w = make_wizard("scarlett-18i20-xhci")
    w.next()
    w.next()
    page = w.jack_page
    buttons = {b.text(): b for b in page.findChildren(QPushButton)}
    labels = [text for text in buttons if "QjackCtl" in text or "jackdrc" in text]
    assert labels == [
        "Use QjackCtl preset “(default)”",
        "Use QjackCtl preset “Studio”",
        "Use the settings in ~/.jackdrc",
    ]
    click(qtbot, buttons["Use the settings in ~/.jackdrc"])
    s = w.settings
    assert (s.rate, s.period, s.periods, s.priority) == (44100, 128, 3, 70)
    assert s.device == "hw:USB"  # the interface found now, not the old hw:0
    assert "8.7 ms" in page.latency.text() and "-r44100" in page.imported.text()
    click(qtbot, buttons["Use QjackCtl preset “Studio”"])
    assert (w.settings.rate, w.settings.period, w.settings.periods) == (96000, 64, 3)
    assert w.settings.device == "hw:USB"


# -- JACK's choice: the dedicated interface first, an uncertain kind said so -------------------
def test_the_recommended_interface_is_listed_first_and_preselected(make_wizard, tmp_path) -> None:  # type: ignore[no-untyped-def]
    m = FakeMachine(tmp_path / "two-interfaces", kernel="6.1.0-13-amd64")
    ehci = m.pci_controller("0000:00:1a.7", "ehci")
    m.usb_audio_card(ehci, 0, "CODEC", usb_id="08bb:2902", port="1",
                     shortname="USB Audio CODEC", longname="Burr-Brown from TI USB Audio CODEC")  # fmt: skip
    m.usb_audio_card(ehci, 1, "USB", usb_id="1235:8211", port="2",
                     shortname="Scarlett Solo USB", longname="Focusrite Scarlett Solo USB")  # fmt: skip
    w = make_wizard(m.finish())
    page = w.detect_page
    assert w.device is not None and w.device.jack_device == "hw:USB"
    assert "Scarlett" in page.interface_list.item(0).text()
    assert page.why.isVisibleTo(page) and "known family" in page.why.text()


def test_a_card_that_may_be_hdmi_is_not_offered_as_built_in_sound(make_wizard) -> None:  # type: ignore[no-untyped-def]
    """A live machine always shows PCM names; a report read back (no PCM listing, no chip
    names) can leave HD-Audio Generic undecided: the wizard says so."""
    from stagebox.core.capture import parse_capture
    from stagebox.core.detect import detect_facts
    from stagebox.gui.wizard.window import Scan

    paste = (
        " 0 [Generic        ]: HDA-Intel - HD-Audio Generic\n"
        "                      HD-Audio Generic at 0xfca00000 irq 156\n"
    )
    facts = parse_capture(paste)
    w = make_wizard("onboard-only", scanner=lambda _root: Scan(facts, detect_facts(facts), []))
    page = w.detect_page
    assert page.use_onboard.isVisibleTo(page)
    assert "cannot tell which" in page.use_onboard.text()
    assert "built-in sound or HDMI" in visible_text(page)
    page.use_onboard.setChecked(True)
    assert w.device is not None and w.device.id == "Generic"
