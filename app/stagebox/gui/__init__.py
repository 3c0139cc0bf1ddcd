"""The desktop side of Stagebox (PySide6): the first-run wizard and the tray icon.

Widgets only: every decision is made by ``stagebox.core``; this package shows the result and
turns the user's clicks into core calls (on a worker thread when they may take time).
"""
