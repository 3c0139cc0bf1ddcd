"""Small helpers the GUI tests share."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


def visible_text(widget: QWidget) -> str:
    """All label and button texts a user can see in ``widget`` (one per line)."""
    parts = []
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QLabel | QAbstractButton) and child.text():
            parts.append(child.text().replace("&", ""))
    return "\n".join(parts)
