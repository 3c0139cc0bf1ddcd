"""The Qt-free core: detection, knowledge base, ALSA config, JACK, checks, journal.

Nothing under this package may import Qt.
"""
