"""Stagebox: set up a Linux audio interface for JACK, explained step by step."""

__version__ = "0.1.0"
