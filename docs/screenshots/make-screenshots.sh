#!/usr/bin/env bash
# Regenerate the README pictures with `stagebox wizard --screenshots` on the fake machines,
# under Xvfb with a tray host (trayer) so the tray icon and its menu are real.
#   docs/screenshots/make-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" != "--inside-xvfb" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" --inside-xvfb
fi
out=docs/screenshots
py=.venv/bin/python
home=$(mktemp -d)/musician  # shows in the pictures where the home directory appears
mkdir -p "$home"
trayer --edge top --align right --widthtype request --height 24 >/dev/null 2>&1 &
trayer_pid=$!
trap 'kill $trayer_pid; rm -rf "$(dirname "$home")"' EXIT
sleep 1
# Two saved profiles, so the tray menu shows the profile switcher as a user sees it.
mkdir -p "$home/.config/stagebox/profiles"
cat > "$home/.config/stagebox/profiles/Tascam_US-122L.json" <<'JSON'
{"name": "Tascam US-122L", "settings": {"driver": "alsa", "capture_device": "us-122l",
 "playback_device": "us-122l", "rate": 48000, "period": 512, "periods": 2}}
JSON
sed 's/Tascam US-122L/Scarlett 18i20/; s/us-122l/hw:USB/g' \
  "$home/.config/stagebox/profiles/Tascam_US-122L.json" > "$home/.config/stagebox/profiles/Scarlett_18i20.json"

shoot() {  # machine, target dir, extra environment
  local machine=$1 target=$2; shift 2
  env HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_STATE_HOME="$home/.local/state" \
    QT_QPA_PLATFORM=xcb "$@" \
    "$py" -m stagebox wizard --screenshots "$target" --root "tests/fixtures/roots/$machine" >/dev/null
}
for machine in us122l-ich5 us144mkii-ehci-nocard scarlett-18i20-xhci onboard-only; do
  shoot "$machine" "$out/$machine"
done
shoot us122l-ich5 "$home/hidpi" QT_SCALE_FACTOR=2
cp "$home/hidpi/3-jack-settings.png" "$out/us122l-ich5/3-jack-settings@2x.png"
# The tray pictures are the same on every machine: keep one set (with the US-122L).
for machine in us144mkii-ehci-nocard scarlett-18i20-xhci onboard-only; do
  rm -f "$out/$machine"/[567]-tray-*.png
done
ls -R "$out"
