"""A sound server's side of D-Bus device reservation, for tests: what PipeWire (WirePlumber)
and PulseAudio do for a card they have open.

    python fake_sound_server.py CARD yes|no [STATUS_FILE]

Holds ``org.freedesktop.ReserveDevice1.Audio<CARD>`` (allowing replacement) and answers
RequestRelease: "yes" first closes the card (rewrites STATUS_FILE, a fake
/proc/asound/.../status, to "closed", as closing the PCM does) and then says true, as the
spec orders; "no" says false. Prints "ready", then one line per call it gets.
"""

import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

card, answer = int(sys.argv[1]), sys.argv[2] == "yes"
status_file = sys.argv[3] if len(sys.argv) > 3 else None
name = f"org.freedesktop.ReserveDevice1.Audio{card}"
conn = open_dbus_connection(bus="SESSION")
conn.send_and_get_reply(message_bus.RequestName(name, 4 | 1))  # DO_NOT_QUEUE, ALLOW_REPLACEMENT
print("ready", flush=True)
while True:
    msg = conn.receive()
    member = msg.header.fields.get(HeaderFields.member)
    if msg.header.message_type == MessageType.signal:
        if member == "NameLost":
            print("lost", msg.body[0], flush=True)
        continue
    if msg.header.message_type != MessageType.method_call:
        continue
    print("call", member, *msg.body, flush=True)
    if member == "RequestRelease":
        if answer and status_file:
            with open(status_file, "w") as f:
                f.write("closed\n")
        conn.send(new_method_return(msg, "b", (answer,)))
    elif member == "Get" and msg.body[1] == "ApplicationName":
        conn.send(new_method_return(msg, "v", (("s", "PipeWire"),)))
    else:
        conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
